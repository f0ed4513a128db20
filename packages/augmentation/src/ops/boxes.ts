import { checkNumber } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { blendMask } from './gather.js';

/** Axis-aligned boxes, K per image: `top[i][k]`, ... in pixels; a box of height 0 is empty. */
export interface Boxes {
  top: number[][];
  left: number[][];
  height: number[][];
  width: number[][];
}

/**
 * `[N, H, W, 1]` float mask: 1 where a pixel lies in any of its image's boxes (boxes may
 * reach outside the image). Row and column indicators (`[N, H, 1, K]`, `[N, 1, W, K]`, one
 * number per image row / column) are built on the host; their product on the device is
 * the mask (bool broadcasts are ~200x slower than a float multiply on wasm).
 */
export function boxMask(boxes: Boxes, h: number, w: number): tf.Tensor4D {
  const n = boxes.top.length;
  const k = Math.max(1, ...boxes.top.map((b) => b.length));
  const rows = new Float32Array(n * h * k);
  const cols = new Float32Array(n * w * k);
  for (let i = 0; i < n; i++) {
    boxes.top[i]!.forEach((top, j) => {
      const bottom = top + boxes.height[i]![j]!;
      for (let y = Math.max(0, top); y < Math.min(h, bottom); y++) rows[(i * h + y) * k + j] = 1;
      const left = boxes.left[i]![j]!;
      const right = left + boxes.width[i]![j]!;
      for (let x = Math.max(0, left); x < Math.min(w, right); x++) cols[(i * w + x) * k + j] = 1;
    });
  }
  return tf.tidy(() => {
    const inside = tf.mul(tf.tensor4d(rows, [n, h, 1, k]), tf.tensor4d(cols, [n, 1, w, k]));
    return (k === 1 ? inside : tf.max(inside, 3, true)) as tf.Tensor4D;
  });
}

/** A fill: a constant in [0, 1] or `'random'` (uniform [0, 1) noise). */
export type Fill = number | 'random';

export function checkFill(value: unknown): Fill {
  if (value === 'random') return value;
  return checkNumber('fillValue', value, { min: 0, max: 1 });
}

/** Fills the masked pixels with a constant or uniform [0, 1) noise (seeded). */
export function fillBoxes(images: tf.Tensor, mask: tf.Tensor, fill: Fill, seed: number): tf.Tensor {
  return tf.tidy(() => {
    const value =
      fill === 'random' ? tf.randomUniform(images.shape, 0, 1, 'float32', seed) : tf.scalar(fill);
    return blendMask(mask, value, images);
  });
}
