import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { expectClose, ramp } from '../test-utils.js';
import { convolutionMatrix, gaussianKernel1d, separableConvPerImage } from './blur.js';

/** Reference: out = M_h · x · M_w^T per image and channel, with the banded reflect matrices. */
function viaMatrices(x: tf.Tensor4D, kernels: number[][]): tf.Tensor {
  const [n, h, w, c] = x.shape;
  const images = tf.split(x, n).map((img, i) => {
    const mh = tf.tensor2d(convolutionMatrix(kernels[i]!, h), [h, h]);
    const mw = tf.tensor2d(convolutionMatrix(kernels[i]!, w), [w, w]);
    const channels = tf
      .split(tf.reshape(img, [h, w, c]), c, 2)
      .map((ch) => tf.matMul(tf.matMul(mh, tf.reshape(ch, [h, w])), mw, false, true));
    return tf.reshape(tf.stack(channels, 2), [1, h, w, c]);
  });
  return tf.concat(images);
}

describe('per-image separable blur', () => {
  it('equals the reflect-padded convolution written as banded matrices (one-pass and two-pass paths)', async () => {
    for (const c of [1, 3]) {
      const x = ramp(3, 9, 8, c);
      for (const k of [3, 5, 9]) {
        const kernels = [
          gaussianKernel1d(k, 0.8),
          gaussianKernel1d(k, 2),
          gaussianKernel1d(k, 1.3),
        ];
        await expectClose(separableConvPerImage(x, kernels), viaMatrices(x, kernels), 1e-4);
      }
    }
  });
});
