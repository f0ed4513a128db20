import {
  checkBoolean,
  checkKnownKeys,
  checkOneOf,
  checkRate,
  InvalidArgumentError,
  ShapeError,
} from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Label smoothing of one-hot (or probability) targets over the last axis:
 * `y_smooth = (1 - epsilon) * y + epsilon / K`, K the number of classes.
 *
 * @param epsilon in [0, 1]
 * @example smoothLabels(tf.oneHot([2, 0], 3), 0.1); // [[0.0333, 0.0333, 0.9333], ...]
 */
export function smoothLabels(oneHot: tf.Tensor, epsilon: number): tf.Tensor {
  checkRate('epsilon', epsilon, true);
  const k = oneHot.shape[oneHot.rank - 1];
  if (oneHot.rank < 1 || k === undefined || k < 1) {
    throw new ShapeError(`smoothLabels needs a class axis, got shape [${oneHot.shape.join(', ')}]`);
  }
  return tf.tidy(() => tf.add(tf.mul(tf.cast(oneHot, 'float32'), 1 - epsilon), epsilon / k));
}

/** Options of {@link smoothedCrossEntropy}. */
export interface SmoothedCrossEntropyOptions {
  /** Label smoothing epsilon in [0, 1]; default 0. */
  labelSmoothing?: number;
  /** `'mean'` over samples (default, as PyTorch), `'sum'`, or `'none'` (one loss per sample). */
  reduction?: 'mean' | 'sum' | 'none';
  /** `true` (default): `predictions` are logits; `false`: probabilities (a softmax output). */
  fromLogits?: boolean;
}

const PROB_EPSILON = 1e-7;

function logProbabilities(predictions: tf.Tensor, fromLogits: boolean): tf.Tensor {
  if (fromLogits) return tf.logSoftmax(predictions);
  // As Keras: renormalize, then clip away from 0 and 1 before the log.
  const p = tf.div(predictions, tf.sum(predictions, -1, true));
  return tf.log(tf.clipByValue(p, PROB_EPSILON, 1 - PROB_EPSILON));
}

function checkIds(labels: tf.Tensor, k: number): void {
  // A sync read: out-of-range ids would otherwise give an all-zero one-hot row and a silent 0
  // loss (PyTorch raises too).
  const ids = labels.dataSync();
  for (const id of ids) {
    if (!Number.isInteger(id) || id < 0 || id >= k) {
      throw new InvalidArgumentError('labels', id, `class ids that are integers in [0, ${k - 1}]`);
    }
  }
}

/**
 * Softmax cross-entropy with optional label smoothing, the formula of
 * `torch.nn.CrossEntropyLoss(label_smoothing = epsilon)`:
 * `loss_i = (1 - epsilon) * (-log p_{i, y_i}) + epsilon * mean_k(-log p_{i,k})`,
 * which is the cross-entropy against `smoothLabels(onehot, epsilon)`.
 *
 * `labels` are class ids (shape `predictions.shape` without the last axis; the sparse case
 * Keras' SparseCategoricalCrossentropy cannot smooth) or one-hot / probability targets of the
 * same shape as `predictions`.
 *
 * @example
 * const loss = smoothedCrossEntropy(tf.tensor1d([2, 0], 'int32'), logits, { labelSmoothing: 0.1 });
 */
export function smoothedCrossEntropy(
  labels: tf.Tensor,
  predictions: tf.Tensor,
  options: SmoothedCrossEntropyOptions = {},
): tf.Tensor {
  checkKnownKeys('options', options, ['labelSmoothing', 'reduction', 'fromLogits']);
  const epsilon = checkRate('options.labelSmoothing', options.labelSmoothing ?? 0, true);
  const reduction = checkOneOf('options.reduction', options.reduction ?? 'mean', [
    'mean',
    'sum',
    'none',
  ] as const);
  const fromLogits = checkBoolean('options.fromLogits', options.fromLogits ?? true);
  const k = predictions.shape[predictions.rank - 1]!;
  const sparse = labels.rank === predictions.rank - 1;
  const sameShape =
    labels.rank === predictions.rank && labels.shape.every((d, i) => d === predictions.shape[i]);
  const idsShapeOk = sparse && labels.shape.every((d, i) => d === predictions.shape[i]);
  if (predictions.rank < 1 || !(idsShapeOk || sameShape)) {
    throw new ShapeError(
      `labels of shape [${labels.shape.join(', ')}] fit neither class ids nor one-hot targets for predictions of shape [${predictions.shape.join(', ')}]`,
    );
  }
  if (sparse) checkIds(labels, k);
  return tf.tidy(() => {
    const targets = sparse ? tf.oneHot(tf.cast(labels, 'int32'), k) : tf.cast(labels, 'float32');
    const smoothed = epsilon > 0 ? smoothLabels(targets, epsilon) : targets;
    const perSample = tf.neg(
      tf.sum(tf.mul(smoothed, logProbabilities(predictions, fromLogits)), -1),
    );
    if (reduction === 'none') return perSample;
    return reduction === 'sum' ? tf.sum(perSample) : tf.mean(perSample);
  });
}

/**
 * Mean label-smoothed softmax cross-entropy of logits (PyTorch's
 * `CrossEntropyLoss(label_smoothing = epsilon)`); `labels` as ids or one-hot.
 *
 * @example const loss = softmaxCrossEntropyWithSmoothing(oneHotY, logits, 0.1);
 */
export function softmaxCrossEntropyWithSmoothing(
  labels: tf.Tensor,
  logits: tf.Tensor,
  epsilon: number,
): tf.Scalar {
  return smoothedCrossEntropy(labels, logits, { labelSmoothing: epsilon }) as tf.Scalar;
}

/**
 * A loss function `(yTrue, yPred) => Scalar` for the Trainer or `model.compile({ loss })`:
 * mean label-smoothed cross-entropy. With a softmax output layer pass `fromLogits: false`;
 * `reduction: 'none'` gives the per-sample losses `[B]` (what the Trainer's `classWeight`
 * weights).
 *
 * @example model.compile({ optimizer: 'adam', loss: labelSmoothingLoss(0.1, { fromLogits: false }) });
 */
export function labelSmoothingLoss(
  epsilon: number,
  options?: { fromLogits?: boolean; reduction?: 'mean' },
): (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;
export function labelSmoothingLoss(
  epsilon: number,
  options: { fromLogits?: boolean; reduction: 'none' },
): (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor1D;
export function labelSmoothingLoss(
  epsilon: number,
  options: { fromLogits?: boolean; reduction?: 'mean' | 'none' } = {},
): (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar | tf.Tensor1D {
  checkRate('epsilon', epsilon, true);
  checkKnownKeys('options', options, ['fromLogits', 'reduction']);
  const fromLogits = checkBoolean('options.fromLogits', options.fromLogits ?? true);
  const reduction = checkOneOf('options.reduction', options.reduction ?? 'mean', [
    'mean',
    'none',
  ] as const);
  return (yTrue, yPred) =>
    smoothedCrossEntropy(yTrue, yPred, {
      labelSmoothing: epsilon,
      fromLogits,
      reduction,
    }) as tf.Scalar | tf.Tensor1D;
}
