import * as tf from '@tensorflow/tfjs-core';
import { asFloat, checkTensorList } from './checks.js';

/**
 * `||x||_2` of one tensor, scaled by its largest magnitude first (`m ||x / m||_2`, as LAPACK's
 * nrm2 does) so that exploding gradients above ~1.8e19, whose squares overflow float32,
 * still get a finite norm. Any NaN / ±Infinity element makes the norm non-finite. An empty
 * tensor has norm 0 (as numpy's); `max` of nothing is -Infinity on cpu but 0 on wasm.
 */
function scaledNorm(x: tf.Tensor): tf.Scalar {
  if (x.size === 0) return tf.scalar(0);
  const v = asFloat(x);
  const m = tf.max(tf.abs(v));
  return tf.mul(m, tf.sqrt(tf.sum(tf.square(tf.divNoNan(v, m))))) as tf.Scalar;
}

/**
 * The L2 norm of each tensor, `||t_i||_2 = sqrt(sum t_i^2)`, as a float32 `[n]` tensor on
 * the device (no host read); e.g. per-parameter gradient norms each step. An empty tensor's
 * norm is 0.
 *
 * @example
 * const norms = l2Norms(grads); // Tensor1D, one norm per gradient
 * // read back every N steps: Array.from(await norms.data())
 */
export function l2Norms(tensors: readonly tf.Tensor[]): tf.Tensor1D {
  const xs = checkTensorList('tensors', tensors);
  return tf.tidy(() => tf.stack(xs.map(scaledNorm)) as tf.Tensor1D);
}

/**
 * The global norm `sqrt(sum_i ||t_i||_2^2)` of a list of tensors as a float32 scalar on the
 * device: the quantity global-norm gradient clipping compares with its threshold.
 *
 * @example
 * const g = globalNorm(grads); // Scalar
 */
export function globalNorm(tensors: readonly tf.Tensor[]): tf.Scalar {
  const xs = checkTensorList('tensors', tensors);
  return tf.tidy(() => scaledNorm(tf.stack(xs.map(scaledNorm))));
}
