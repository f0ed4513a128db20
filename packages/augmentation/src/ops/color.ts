import * as tf from '@tensorflow/tfjs-core';
import { blendMask } from './gather.js';

/** A per-image value as a `[N, 1, 1, 1]` tensor, to broadcast over pixels and channels. */
export function perImage(values: readonly number[]): tf.Tensor4D {
  return tf.tensor4d(values as number[], [values.length, 1, 1, 1], 'float32');
}

/** `where(mask[i], a[i], b[i])` per image. */
export function selectImages(mask: readonly boolean[], a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return blendMask(perImage(mask.map((v) => (v ? 1 : 0))), a, b);
}

export const clip01 = (x: tf.Tensor) => tf.clipByValue(x, 0, 1);

/** ITU-R 601-2 luma (torchvision's weights) for RGB, `[N, H, W, 1]`; other channel counts: the channel mean. */
export function luminance(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    if (x.shape[3] === 3)
      return tf.sum(tf.mul(x, tf.tensor1d([0.2989, 0.587, 0.114])), 3, true) as tf.Tensor4D;
    return tf.mean(x, 3, true) as tf.Tensor4D;
  });
}

/** `f · a + (1 - f) · b`, clipped to [0, 1] (torchvision's `_blend`). */
export function blend(a: tf.Tensor, b: tf.Tensor, f: tf.Tensor): tf.Tensor {
  return tf.tidy(() => clip01(tf.add(tf.mul(f, a), tf.mul(tf.sub(1, f), b))));
}

/** RGB -> HSV (all in [0, 1]); torchvision's `_rgb2hsv`. Returns `[h, s, v]`, each `[N, H, W, 1]`. */
export function rgbToHsv(x: tf.Tensor4D): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const [r, g, b] = tf.split(x, 3, 3) as [tf.Tensor, tf.Tensor, tf.Tensor];
  const maxc = tf.maximum(tf.maximum(r, g), b);
  const minc = tf.minimum(tf.minimum(r, g), b);
  const eqc = tf.equal(maxc, minc);
  const cr = tf.sub(maxc, minc);
  const ones = tf.onesLike(maxc);
  const s = tf.div(cr, tf.where(eqc, ones, maxc));
  const divisor = tf.where(eqc, ones, cr);
  const rc = tf.div(tf.sub(maxc, r), divisor);
  const gc = tf.div(tf.sub(maxc, g), divisor);
  const bc = tf.div(tf.sub(maxc, b), divisor);
  const isR = tf.equal(maxc, r);
  const isG = tf.logicalAnd(tf.equal(maxc, g), tf.logicalNot(isR));
  const isB = tf.logicalNot(tf.logicalOr(isR, isG));
  const f = (m: tf.Tensor) => tf.cast(m, 'float32');
  const h = tf.add(
    tf.add(tf.mul(f(isR), tf.sub(bc, gc)), tf.mul(f(isG), tf.add(2, tf.sub(rc, bc)))),
    tf.mul(f(isB), tf.add(4, tf.sub(gc, rc))),
  );
  const hue = tf.mod(tf.add(tf.div(h, 6), 1), 1);
  return [hue, s, maxc];
}

/** HSV -> RGB; torchvision's `_hsv2rgb`. */
export function hsvToRgb(h: tf.Tensor, s: tf.Tensor, v: tf.Tensor): tf.Tensor4D {
  const h6 = tf.mul(h, 6);
  const i = tf.floor(h6);
  const f = tf.sub(h6, i);
  const sector = tf.mod(i, 6);
  const p = clip01(tf.mul(v, tf.sub(1, s)));
  const q = clip01(tf.mul(v, tf.sub(1, tf.mul(s, f))));
  const t = clip01(tf.mul(v, tf.sub(1, tf.mul(s, tf.sub(1, f)))));
  const table = [
    [v, q, p, p, t, v],
    [t, v, v, q, p, p],
    [p, p, t, v, v, q],
  ];
  const masks = [0, 1, 2, 3, 4, 5].map((k) => tf.cast(tf.equal(sector, k), 'float32'));
  const channel = (row: tf.Tensor[]) => tf.addN(row.map((val, k) => tf.mul(masks[k]!, val)));
  return tf.concat(table.map(channel), 3) as tf.Tensor4D;
}
