import { InvalidArgumentError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import type { LossFn, LossName } from './types.js';

/**
 * Softmax cross-entropy from logits, averaged over the batch:
 * `L = -(1/B) * sum_i sum_k y_ik * log_softmax(z_i)_k`.
 * `yTrue` is one-hot or soft (rows summing to 1, e.g. label smoothing or MixUp).
 *
 * @example
 * const loss = softmaxCrossEntropy(tf.oneHot(ids, 10), logits);
 */
export function softmaxCrossEntropy(yTrue: tf.Tensor, logits: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const perSample = tf.neg(tf.sum(tf.mul(yTrue, tf.logSoftmax(logits)), -1));
    return tf.mean(perSample) as tf.Scalar;
  });
}

/** Keras' epsilon: probabilities are clipped to `[eps, 1 - eps]` before the log. */
const PROBABILITY_EPSILON = 1e-7;

/**
 * Cross-entropy from probabilities (a model whose output layer applies softmax), averaged
 * over the batch, as Keras' `categorical_crossentropy(from_logits=False)`:
 * `L = -(1/B) * sum_i sum_k y_ik * log(clip(p_ik, eps, 1 - eps))`, `eps = 1e-7`.
 *
 * @example
 * const loss = categoricalCrossEntropy(tf.oneHot(ids, 10), probabilities);
 */
export function categoricalCrossEntropy(yTrue: tf.Tensor, probabilities: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const p = tf.clipByValue(probabilities, PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON);
    return tf.mean(tf.neg(tf.sum(tf.mul(yTrue, tf.log(p)), -1))) as tf.Scalar;
  });
}

/**
 * Mean squared error over every element: `L = (1/n) * sum (yTrue - yPred)^2` (for equal
 * shapes this is Keras' mean over the last axis, then over the batch).
 *
 * @example
 * const loss = meanSquaredError(targets, predictions);
 */
export function meanSquaredError(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.squaredDifference(yTrue, yPred)) as tf.Scalar);
}

const LOSSES: Record<LossName, LossFn> = {
  softmaxCrossEntropy,
  categoricalCrossEntropy,
  meanSquaredError,
};

/**
 * Turns the Trainer's `loss` option into a function; default `'softmaxCrossEntropy'`.
 *
 * @example
 * const loss = resolveLoss('meanSquaredError');
 */
export function resolveLoss(loss: LossName | LossFn | undefined): LossFn {
  if (loss === undefined) return softmaxCrossEntropy;
  if (typeof loss === 'function') return loss;
  if (typeof loss === 'string' && Object.hasOwn(LOSSES, loss)) return LOSSES[loss as LossName];
  throw new InvalidArgumentError(
    'loss',
    loss,
    `one of ${Object.keys(LOSSES)
      .map((k) => `'${k}'`)
      .join(', ')} or a function (yTrue, yPred) => Scalar`,
  );
}
