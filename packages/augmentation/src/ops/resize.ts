import * as tf from '@tensorflow/tfjs-core';
import type { Interpolation } from './warp.js';

/** One image's crop box in input pixels. */
export interface Box {
  top: number;
  left: number;
  height: number;
  width: number;
}

/**
 * Rows of the `[out, len]` matrix that resamples the segment `[start, start + size)` of an
 * axis of length `len` to `out` samples, written into `m` at `offset`. Half-pixel centres
 * (`src = (j + 0.5) · size / out - 0.5`) clamped to the segment, as torch's
 * `interpolate(align_corners=False)` on the cropped image: an enlarging crop never reads a
 * pixel outside its box. Nearest takes `floor((j + 0.5) · size / out)` (torch's
 * 'nearest-exact').
 */
function axisRows(
  m: Float32Array,
  offset: number,
  out: number,
  len: number,
  start: number,
  size: number,
  interpolation: Interpolation,
): void {
  for (let j = 0; j < out; j++) {
    const row = offset + j * len;
    if (interpolation === 'nearest') {
      // (2j + 1) · size / (2 · out) in exact integer arithmetic before the floor.
      const k = Math.min(Math.floor(((2 * j + 1) * size) / (2 * out)), size - 1);
      m[row + start + k] = 1;
      continue;
    }
    const src = Math.min(Math.max(((j + 0.5) * size) / out - 0.5, 0), size - 1);
    const k = Math.floor(src);
    const f = src - k;
    m[row + start + k] = 1 - f;
    if (f > 0) m[row + start + k + 1] = f;
  }
}

/**
 * Crops every image of an NHWC batch to its own box and resizes it to `[oh, ow]`
 * (bilinear or nearest, no antialiasing), as two batched matrix products: per image a
 * `[oh, H]` and a `[ow, W]` interpolation matrix (two non-zeros per row) built on the host.
 * Sampling stays inside each box (torchvision's `resized_crop`).
 */
export function resizeBoxes(
  images: tf.Tensor4D,
  boxes: readonly Box[],
  [oh, ow]: readonly [number, number],
  interpolation: Interpolation,
): tf.Tensor4D {
  const [n, h, w, c] = images.shape;
  const ry = new Float32Array(n * oh * h);
  const rx = new Float32Array(n * ow * w);
  boxes.forEach((b, i) => {
    axisRows(ry, i * oh * h, oh, h, b.top, b.height, interpolation);
    axisRows(rx, i * ow * w, ow, w, b.left, b.width, interpolation);
  });
  return tf.tidy(() => {
    // Columns first: [N, W, H·C] -> [N, ow, H·C]; then rows: [N, H, ow·C] -> [N, oh, ow·C].
    const byColumn = tf.reshape(tf.transpose(images, [0, 2, 1, 3]), [n, w, h * c]);
    const cols = tf.matMul(tf.tensor3d(rx, [n, ow, w]), byColumn as tf.Tensor3D);
    const byRow = tf.reshape(tf.transpose(tf.reshape(cols, [n, ow, h, c]), [0, 2, 1, 3]), [
      n,
      h,
      ow * c,
    ]);
    const rows = tf.matMul(tf.tensor3d(ry, [n, oh, h]), byRow as tf.Tensor3D);
    return tf.reshape(rows, [n, oh, ow, c]) as tf.Tensor4D;
  });
}
