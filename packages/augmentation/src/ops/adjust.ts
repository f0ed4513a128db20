import * as tf from '@tensorflow/tfjs-core';
import { blend, clip01, hsvToRgb, luminance, rgbToHsv } from './color.js';

/*
 * Photometric kernels on NHWC batches in [0, 1]; per-image factors come as [N, 1, 1, 1]
 * tensors. Formulas follow torchvision.transforms.v2.functional for float images.
 */

export const adjustBrightness = (x: tf.Tensor4D, f: tf.Tensor4D) =>
  tf.tidy(() => clip01(tf.mul(x, f)));

export const adjustContrast = (x: tf.Tensor4D, f: tf.Tensor4D) =>
  tf.tidy(() => blend(x, tf.mean(luminance(x), [1, 2, 3], true), f));

export const adjustSaturation = (x: tf.Tensor4D, f: tf.Tensor4D) =>
  tf.tidy(() => (x.shape[3] === 3 ? blend(x, luminance(x), f) : tf.clone(x)));

export function adjustHue(x: tf.Tensor4D, shift: tf.Tensor4D): tf.Tensor {
  return tf.tidy(() => {
    if (x.shape[3] !== 3) return tf.clone(x);
    const [h, s, v] = rgbToHsv(x);
    return hsvToRgb(tf.mod(tf.add(h, shift), 1), s, v);
  });
}

export const adjustGamma = (x: tf.Tensor4D, g: tf.Tensor4D) =>
  tf.tidy(() => clip01(tf.pow(clip01(x), g)));

/** torchvision's sharpness: blend with a copy smoothed by [[1,1,1],[1,5,1],[1,1,1]]/13 inside, original on the border. */
export function adjustSharpness(x: tf.Tensor4D, f: tf.Tensor4D): tf.Tensor {
  const [, h, w, c] = x.shape;
  if (h <= 2 || w <= 2) return tf.clone(x);
  return tf.tidy(() => {
    const k = [1, 1, 1, 1, 5, 1, 1, 1, 1].map((v) => v / 13);
    const filter = tf.tile(tf.reshape(tf.tensor1d(k), [3, 3, 1, 1]), [1, 1, c, 1]) as tf.Tensor4D;
    const inner = tf.depthwiseConv2d(x, filter, 1, 'valid');
    const pad: [number, number][] = [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ];
    const interior = tf.pad(tf.ones([1, h - 2, w - 2, 1]), pad);
    const degenerate = tf.add(tf.pad(inner, pad), tf.mul(x, tf.sub(1, interior)));
    return blend(x, degenerate, f);
  });
}

export const toGrayscale = (x: tf.Tensor4D) => tf.tidy(() => tf.broadcastTo(luminance(x), x.shape));

export const invertImages = (x: tf.Tensor4D) => tf.tidy(() => tf.sub(1, x));

export const solarizeImages = (x: tf.Tensor4D, threshold: number) =>
  tf.tidy(() => tf.where(tf.greaterEqual(x, threshold), tf.sub(1, x), x));

export function posterizeImages(x: tf.Tensor4D, bits: number): tf.Tensor {
  const levels = 2 ** bits;
  return tf.tidy(() => tf.div(tf.clipByValue(tf.floor(tf.mul(x, levels)), 0, levels - 1), levels));
}

/** Per image and channel: `(x - min) / (max - min)`; channels with max = min are left as they are. */
export function autocontrastImages(x: tf.Tensor4D): tf.Tensor {
  return tf.tidy(() => {
    const lo = tf.min(x, [1, 2], true);
    const hi = tf.max(x, [1, 2], true);
    const flat = tf.equal(hi, lo);
    const scale = tf.where(flat, tf.onesLike(hi), tf.div(1, tf.sub(hi, lo)));
    const offset = tf.where(flat, tf.zerosLike(lo), lo);
    return clip01(tf.mul(tf.sub(x, offset), scale));
  });
}
