import { hasKernel, SeparableResample, type SeparableResampleAttrs } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { takeRows } from './gather.js';
import type { Interpolation } from './warp.js';

/** One image's crop box in input pixels (integers, inside the image). */
export interface Box {
  top: number;
  left: number;
  height: number;
  width: number;
}

/**
 * How a batch of boxes is resized. `perImage` (cpu): per image a slice and
 * `tf.image.resizeBilinear` / `resizeNearestNeighbor` with half-pixel centres (tight JS
 * loops there; a gather is ~7x slower on cpu). `gather` (wasm, webgl, webgpu): the whole
 * batch as two separable 2-tap gathers, about as fast as one `tf.image.transform` call.
 */
export type ResizePath = 'perImage' | 'gather';

export const resizePath = (): ResizePath => (tf.getBackend() === 'cpu' ? 'perImage' : 'gather');

/**
 * Source taps along one axis for the segment `[start, start + size)` resampled to `out`
 * samples: half-pixel centres `src = (j + 0.5) · size / out - 0.5` clamped to the segment
 * (torch's `interpolate(align_corners=False)` on the cropped image, TensorFlow's
 * `half_pixel_centers`), so an enlarging crop never reads a pixel outside its box. Nearest
 * takes `floor((j + 0.5) · size / out)` (torch's 'nearest-exact').
 */
function axisTaps(out: number, start: number, size: number, interpolation: Interpolation) {
  const lo: number[] = [];
  const hi: number[] = [];
  const frac: number[] = [];
  for (let j = 0; j < out; j++) {
    if (interpolation === 'nearest') {
      // (2j + 1) · size / (2 · out) in exact integer arithmetic before the floor.
      const k = Math.min(Math.floor(((2 * j + 1) * size) / (2 * out)), size - 1);
      lo.push(start + k);
      hi.push(start + k);
      frac.push(0);
      continue;
    }
    const src = Math.min(Math.max(((j + 0.5) * size) / out - 0.5, 0), size - 1);
    const k = Math.floor(src);
    lo.push(start + k);
    hi.push(start + Math.min(k + 1, size - 1));
    frac.push(src - k);
  }
  return { lo, hi, frac };
}

/**
 * Crops every image of an NHWC batch to its own box and resizes it to `[oh, ow]`
 * (bilinear or nearest, no antialiasing), sampling only inside each box (torchvision's
 * `resized_crop`). Cost grows with the output size, not the input size.
 */
export function resizeBoxes(
  images: tf.Tensor4D,
  boxes: readonly Box[],
  size: readonly [number, number],
  interpolation: Interpolation,
  path: ResizePath = resizePath(),
): tf.Tensor4D {
  // One kernel for the whole batch where an app installed it (@overfit/kernels).
  if (hasKernel(SeparableResample) && images.dtype === 'float32') {
    return resizeByKernel(images, boxes, size, interpolation);
  }
  return path === 'perImage'
    ? resizePerImage(images, boxes, size, interpolation)
    : resizeByGather(images, boxes, size, interpolation);
}

function resizePerImage(
  images: tf.Tensor4D,
  boxes: readonly Box[],
  [oh, ow]: readonly [number, number],
  interpolation: Interpolation,
): tf.Tensor4D {
  const c = images.shape[3];
  return tf.tidy(() => {
    const outs = boxes.map((b, i) => {
      const crop = tf.slice(images, [i, b.top, b.left, 0], [1, b.height, b.width, c]);
      return interpolation === 'nearest'
        ? tf.image.resizeNearestNeighbor(crop, [oh, ow], false, true)
        : tf.image.resizeBilinear(crop, [oh, ow], false, true);
    });
    return (outs.length === 1 ? outs[0]! : tf.concat(outs)) as tf.Tensor4D;
  });
}

function resizeByGather(
  images: tf.Tensor4D,
  boxes: readonly Box[],
  [oh, ow]: readonly [number, number],
  interpolation: Interpolation,
): tf.Tensor4D {
  const [n, h, w, c] = images.shape;
  // Host-side indices: rows into [N·H, W·C], then cells into [N·oh·W, C].
  const rowLo = new Int32Array(n * oh);
  const rowHi = new Int32Array(n * oh);
  const fy = new Float32Array(n * oh);
  const cellLo = new Int32Array(n * oh * ow);
  const cellHi = new Int32Array(n * oh * ow);
  const fx = new Float32Array(n * ow);
  boxes.forEach((b, i) => {
    const ty = axisTaps(oh, b.top, b.height, interpolation);
    const tx = axisTaps(ow, b.left, b.width, interpolation);
    for (let r = 0; r < oh; r++) {
      const row = i * oh + r;
      rowLo[row] = i * h + ty.lo[r]!;
      rowHi[row] = i * h + ty.hi[r]!;
      fy[row] = ty.frac[r]!;
      for (let q = 0; q < ow; q++) {
        cellLo[row * ow + q] = row * w + tx.lo[q]!;
        cellHi[row * ow + q] = row * w + tx.hi[q]!;
      }
    }
    for (let q = 0; q < ow; q++) fx[i * ow + q] = tx.frac[q]!;
  });
  const nearest = interpolation === 'nearest';
  return tf.tidy(() => {
    // lerp(a, b, f) = a + (b - a)·f: exact for f = 0, like the kernels' blend.
    const lerp = (a: tf.Tensor, b: tf.Tensor, f: tf.Tensor) => tf.add(a, tf.mul(tf.sub(b, a), f));
    const flat = tf.reshape(images, [n * h, w * c]);
    const top = takeRows(flat, tf.tensor1d(rowLo, 'int32'));
    const rows = nearest
      ? top
      : lerp(top, takeRows(flat, tf.tensor1d(rowHi, 'int32')), tf.tensor2d(fy, [n * oh, 1]));
    const cells = tf.reshape(rows, [n * oh * w, c]);
    const left = tf.reshape(takeRows(cells, tf.tensor1d(cellLo, 'int32')), [n, oh, ow, c]);
    if (nearest) return left as tf.Tensor4D;
    const right = tf.reshape(takeRows(cells, tf.tensor1d(cellHi, 'int32')), [n, oh, ow, c]);
    return lerp(left, right, tf.tensor4d(fx, [n, 1, ow, 1])) as tf.Tensor4D;
  });
}

function resizeByKernel(
  images: tf.Tensor4D,
  boxes: readonly Box[],
  [oh, ow]: readonly [number, number],
  interpolation: Interpolation,
): tf.Tensor4D {
  const n = images.shape[0];
  const attrs: SeparableResampleAttrs = {
    outHeight: oh,
    outWidth: ow,
    rowLo: new Int32Array(n * oh),
    rowHi: new Int32Array(n * oh),
    rowFrac: new Float32Array(n * oh),
    colLo: new Int32Array(n * ow),
    colHi: new Int32Array(n * ow),
    colFrac: new Float32Array(n * ow),
  };
  boxes.forEach((b, i) => {
    const ty = axisTaps(oh, b.top, b.height, interpolation);
    const tx = axisTaps(ow, b.left, b.width, interpolation);
    attrs.rowLo.set(ty.lo, i * oh);
    attrs.rowHi.set(ty.hi, i * oh);
    attrs.rowFrac.set(ty.frac, i * oh);
    attrs.colLo.set(tx.lo, i * ow);
    attrs.colHi.set(tx.hi, i * ow);
    attrs.colFrac.set(tx.frac, i * ow);
  });
  return tf
    .engine()
    .runKernel(SeparableResample, { images }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}
