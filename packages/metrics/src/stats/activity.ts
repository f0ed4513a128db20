import { checkNumber, InvalidArgumentError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { asFloat, checkTensor, checkTensorList } from './checks.js';

/**
 * Fraction of elements with `|w| < eps` (default 1e-3) as a float32 scalar on the device:
 * how sparse L1 regularization made a weight matrix. NaN elements count as not small.
 *
 * @example
 * const s = sparsity(kernel, 1e-3); // Scalar in [0, 1]
 */
export function sparsity(tensor: tf.Tensor, eps = 1e-3): tf.Scalar {
  const x = checkTensor('tensor', tensor);
  checkNumber('eps', eps, { min: 0, minInclusive: false });
  if (x.size === 0) throw new InvalidArgumentError('tensor.size', 0, 'at least 1 element');
  return tf.tidy(() => tf.mean(tf.cast(tf.less(tf.abs(asFloat(x)), eps), 'float32')) as tf.Scalar);
}

/**
 * Fraction of dead units in a batch of activations `[N, ...unit dims]`: a unit (one position
 * of the trailing dims; for `[N, H, W, C]` each (h, w, c)) is dead when its activation is
 * `<= 0` for every sample: `mean_u [max_n a[n, u] <= 0]`. For ReLU layers this is the share
 * of units that pass no gradient for the whole batch. Float32 scalar on the device.
 *
 * @example
 * const dead = deadFraction(hiddenActivations); // e.g. 0.12 = 12% dead ReLUs
 */
export function deadFraction(activations: tf.Tensor): tf.Scalar {
  const a = checkTensor('activations', activations);
  if (a.rank < 2 || a.size === 0) {
    throw new InvalidArgumentError(
      'activations.shape',
      a.shape,
      'a non-empty [N, ...units] batch (rank >= 2)',
    );
  }
  return tf.tidy(
    () => tf.mean(tf.cast(tf.lessEqual(tf.max(asFloat(a), 0), 0), 'float32')) as tf.Scalar,
  );
}

/**
 * Number of NaN and ±Infinity elements over one tensor or a list, as an int32 scalar on the
 * device (int32 / bool tensors contribute 0).
 *
 * @example
 * const bad = nonFiniteCount(grads); // read it every N steps: (await bad.data())[0]
 */
export function nonFiniteCount(tensors: tf.Tensor | readonly tf.Tensor[]): tf.Scalar {
  const xs =
    tensors instanceof tf.Tensor
      ? [checkTensor('tensors', tensors)]
      : checkTensorList('tensors', tensors);
  return tf.tidy(() => {
    const counts = xs
      .filter((x) => x.dtype === 'float32')
      .map((x) => tf.sum(tf.cast(tf.logicalNot(tf.isFinite(x)), 'int32')));
    return (counts.length === 0 ? tf.scalar(0, 'int32') : tf.addN(counts)) as tf.Scalar;
  });
}
