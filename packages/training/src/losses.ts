import { InvalidArgumentError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import type { LossFn, LossName, MeanLossFn } from './types.js';

/**
 * Softmax cross-entropy from logits, averaged over the batch:
 * `L = -(1/B) * sum_i sum_k y_ik * log_softmax(z_i)_k`.
 * `yTrue` is one-hot or soft (rows summing to 1, e.g. label smoothing or MixUp).
 *
 * @example
 * const loss = softmaxCrossEntropy(tf.oneHot(ids, 10), logits);
 */
export function softmaxCrossEntropy(yTrue: tf.Tensor, logits: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(softmaxCrossEntropyPerSample(yTrue, logits)) as tf.Scalar);
}

/** {@link softmaxCrossEntropy} per sample, `[B]`: `l_i = -sum_k y_ik * log_softmax(z_i)_k`. */
export function softmaxCrossEntropyPerSample(yTrue: tf.Tensor, logits: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => tf.neg(tf.sum(tf.mul(yTrue, tf.logSoftmax(logits)), -1)) as tf.Tensor1D);
}

/** Keras' epsilon: probabilities are renormalized, then clipped to `[eps, 1 - eps]` before the log. */
const PROBABILITY_EPSILON = 1e-7;

/**
 * Cross-entropy from probabilities (a model whose output layer applies softmax), averaged
 * over the batch, as Keras' `categorical_crossentropy(from_logits=False)` (and tfjs-layers'):
 * each row is divided by its sum, then clipped,
 * `L = -(1/B) * sum_i sum_k y_ik * log(clip(p_ik / sum_j p_ij, eps, 1 - eps))`, `eps = 1e-7`.
 *
 * @example
 * const loss = categoricalCrossEntropy(tf.oneHot(ids, 10), probabilities);
 */
export function categoricalCrossEntropy(yTrue: tf.Tensor, probabilities: tf.Tensor): tf.Scalar {
  return tf.tidy(
    () => tf.mean(categoricalCrossEntropyPerSample(yTrue, probabilities)) as tf.Scalar,
  );
}

/** {@link categoricalCrossEntropy} per sample, `[B]`. */
export function categoricalCrossEntropyPerSample(
  yTrue: tf.Tensor,
  probabilities: tf.Tensor,
): tf.Tensor1D {
  return tf.tidy(() => {
    const normalized = tf.div(probabilities, tf.sum(probabilities, -1, true));
    const p = tf.clipByValue(normalized, PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON);
    return tf.neg(tf.sum(tf.mul(yTrue, tf.log(p)), -1)) as tf.Tensor1D;
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

/** {@link meanSquaredError} per sample, `[B]`: the mean over each sample's elements. */
export function meanSquaredErrorPerSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const d = tf.squaredDifference(yTrue, yPred);
    return tf.mean(tf.reshape(d, [d.shape[0]!, -1]), -1) as tf.Tensor1D;
  });
}

/**
 * Mean squared error of the softmax probabilities against one-hot / soft targets, from
 * **logits**: `L = (1/(B K)) * sum_i sum_k (softmax(z_i)_k - y_ik)^2`. This is Keras' `'mse'`
 * on a softmax output layer (and what the course compares cross-entropy with): its gradient
 * `dL/dz_i = (2/(B K)) * J_softmax(z_i)^T (p_i - y_i)` fades as the softmax saturates, even on a
 * confident wrong answer, where cross-entropy's `(p_i - y_i) / B` does not.
 *
 * @example
 * const loss = softmaxMeanSquaredError(tf.oneHot(ids, 10), logits);
 */
export function softmaxMeanSquaredError(yTrue: tf.Tensor, logits: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.squaredDifference(tf.softmax(logits), yTrue)) as tf.Scalar);
}

/** {@link softmaxMeanSquaredError} per sample, `[B]`: `l_i = (1/K) sum_k (p_ik - y_ik)^2`. */
export function softmaxMeanSquaredErrorPerSample(yTrue: tf.Tensor, logits: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => tf.mean(tf.squaredDifference(tf.softmax(logits), yTrue), -1) as tf.Tensor1D);
}

const LOSSES: Record<LossName, MeanLossFn> = {
  softmaxCrossEntropy,
  categoricalCrossEntropy,
  meanSquaredError,
  softmaxMeanSquaredError,
};

/** The per-sample form of each built-in loss. */
const PER_SAMPLE = new Map<LossFn | MeanLossFn, PerSampleLossFn>([
  [softmaxCrossEntropy, softmaxCrossEntropyPerSample],
  [categoricalCrossEntropy, categoricalCrossEntropyPerSample],
  [meanSquaredError, meanSquaredErrorPerSample],
  [softmaxMeanSquaredError, softmaxMeanSquaredErrorPerSample],
]);

/** A loss giving one value per sample, `[B]` (what class weights need). */
export type PerSampleLossFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/**
 * The per-sample form of a resolved loss: the built-ins' own, or a user's function as given
 * (which must then return `[B]`; see {@link resolveLoss}).
 */
export function perSampleLoss(
  loss: MeanLossFn,
  given: LossName | LossFn | undefined,
): PerSampleLossFn {
  return PER_SAMPLE.get(loss) ?? (typeof given === 'function' ? given : loss);
}

/** A user's loss may return the batch mean or per-sample losses `[B]`; the Trainer wants the mean. */
function meanOf(loss: LossFn): MeanLossFn {
  return (yTrue, yPred) =>
    tf.tidy(() => {
      const value = loss(yTrue, yPred);
      return (value.rank === 0 ? value : tf.mean(value)) as tf.Scalar;
    });
}

/**
 * Turns the Trainer's `loss` option into a function giving the batch mean; default
 * `'softmaxCrossEntropy'`. A function may return the batch mean (a Scalar) or per-sample
 * losses `[B]` (averaged here; class weights need this form, e.g.
 * `labelSmoothingLoss(0.1, { reduction: 'none' })`).
 *
 * @example
 * const loss = resolveLoss('meanSquaredError');
 */
export function resolveLoss(loss: LossName | LossFn | undefined): MeanLossFn {
  if (loss === undefined) return softmaxCrossEntropy;
  if (typeof loss === 'function') return PER_SAMPLE.has(loss) ? (loss as MeanLossFn) : meanOf(loss);
  if (typeof loss === 'string' && Object.hasOwn(LOSSES, loss)) return LOSSES[loss as LossName];
  throw new InvalidArgumentError(
    'loss',
    loss,
    `one of ${Object.keys(LOSSES)
      .map((k) => `'${k}'`)
      .join(', ')} or a function (yTrue, yPred) => Scalar`,
  );
}
