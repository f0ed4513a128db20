import { InvalidArgumentError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { type PerSampleLossFn, perSampleLoss } from './losses.js';
import type { LossFn, LossName, MeanLossFn } from './types.js';

/** Class weights as given: one per class, or by class id (ids left out weigh 1, as in Keras). */
export type ClassWeightOption = readonly number[] | Readonly<Record<number, number>>;

/** Class weights checked, with the per-sample form of the loss they weight. */
export interface ResolvedClassWeight {
  /** One weight per class, length K. */
  readonly weights: readonly number[];
  readonly perSample: PerSampleLossFn;
}

function checkWeight(argument: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new InvalidArgumentError(argument, value, 'a finite number >= 0');
  return value;
}

function weightList(value: unknown, numClasses: number): number[] {
  if (Array.isArray(value)) {
    if (value.length !== numClasses) {
      throw new InvalidArgumentError(
        'classWeight.length',
        value.length,
        `numClasses (${numClasses}): one weight per class`,
      );
    }
    return value.map((w, i) => checkWeight(`classWeight[${i}]`, w));
  }
  if (value === null || typeof value !== 'object')
    throw new InvalidArgumentError(
      'classWeight',
      value,
      'an array of K weights or { [classId]: weight }',
    );
  const weights = new Array<number>(numClasses).fill(1);
  for (const [key, w] of Object.entries(value)) {
    const id = Number(key);
    if (!Number.isInteger(id) || id < 0 || id >= numClasses) {
      throw new InvalidArgumentError(
        'classWeight',
        `key '${key}'`,
        `class ids in [0, ${numClasses - 1}] as keys`,
      );
    }
    weights[id] = checkWeight(`classWeight[${key}]`, w);
  }
  return weights;
}

/**
 * Checks `classWeight` against the class count and the loss (which must give per-sample
 * values: the built-ins do; a function must return `[B]`, probed here on a 2-sample batch).
 *
 * @throws InvalidArgumentError for a wrong length, a non-finite or negative weight, all zeros,
 *   a regression Trainer, or a loss that returns only the batch mean
 */
export function resolveClassWeight(
  value: unknown,
  numClasses: number | undefined,
  classification: boolean,
  loss: MeanLossFn,
  given: LossName | LossFn | undefined,
): ResolvedClassWeight | undefined {
  if (value === undefined) return undefined;
  if (!classification || numClasses === undefined) {
    throw new InvalidArgumentError(
      'classWeight',
      value,
      'left out for regression (class weights need classes: with a custom loss, set numClasses)',
    );
  }
  const weights = weightList(value, numClasses);
  if (weights.every((w) => w === 0))
    throw new InvalidArgumentError('classWeight', value, 'weights that are not all 0');
  const perSample = perSampleLoss(loss, given);
  const shape = tf.tidy(
    () => perSample(tf.zeros([2, numClasses]), tf.zeros([2, numClasses])).shape,
  );
  if (shape.length !== 1 || shape[0] !== 2) {
    throw new InvalidArgumentError(
      'loss',
      `a function returning shape [${shape.join(', ')}] for a batch of 2`,
      "per-sample losses [B] when classWeight is set (e.g. labelSmoothingLoss(0.1, { reduction: 'none' }))",
    );
  }
  return { weights, perSample };
}

/**
 * The class-weighted data loss of a batch, PyTorch's `CrossEntropyLoss(weight=w)` reduction
 * generalized to any per-sample loss: `L = sum_i s_i l_i / sum_i s_i` with the sample weight
 * `s_i = sum_k y_ik w_k` (`w_{y_i}` for one-hot targets; the mix of the classes' weights for
 * soft targets such as MixUp's). A batch whose weights sum to 0 gives 0 (no NaN). Returns the
 * loss and `sum_i s_i` (the batch's weight in the epoch mean).
 */
export function classWeightedLoss(
  perSample: PerSampleLossFn,
  classWeights: tf.Tensor1D,
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
): { loss: tf.Scalar; weight: tf.Scalar } {
  const sampleWeights = tf.squeeze(
    tf.matMul(yTrue as tf.Tensor2D, tf.expandDims(classWeights, 1)),
    [1],
  );
  const weight = tf.sum(sampleWeights) as tf.Scalar;
  // Not divNoNan: its gradient is 0/0 = NaN for a zero-weight batch; this one is 0.
  const denominator = tf.where(tf.greater(weight, 0), weight, tf.onesLike(weight));
  const loss = tf.div(
    tf.sum(tf.mul(sampleWeights, perSample(yTrue, yPred))),
    denominator,
  ) as tf.Scalar;
  return { loss, weight };
}
