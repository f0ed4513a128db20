import { checkNumber, OverfitError } from '@overfit/core';

/** An optimizer whose learning rate can be read and changed between steps. */
interface LearningRateHolder {
  learningRate: number;
  setLearningRate?(learningRate: number): void;
}

function describeOptimizer(optimizer: unknown): string {
  if (optimizer === null || optimizer === undefined) return String(optimizer);
  const ctor = (optimizer as { constructor?: { name?: string } }).constructor;
  return ctor?.name ?? typeof optimizer;
}

function holder(optimizer: unknown): LearningRateHolder {
  const lr = (optimizer as Partial<LearningRateHolder> | null | undefined)?.learningRate;
  if (typeof lr !== 'number' || !Number.isFinite(lr)) {
    throw new OverfitError(
      `the optimizer (${describeOptimizer(optimizer)}) has no numeric 'learningRate' property; the tfjs-core optimizers sgd, momentum, adam, adamax, adagrad, adadelta and rmsprop have one`,
    );
  }
  return optimizer as LearningRateHolder;
}

/**
 * Reads a tfjs optimizer's learning rate. Every tfjs-core 4.x optimizer keeps it in a
 * `learningRate` property (protected in the typings, public at run time).
 *
 * @throws OverfitError when the optimizer has no numeric `learningRate`.
 * @example getLearningRate(tf.train.adam(0.01)) // 0.01
 */
export function getLearningRate(optimizer: unknown): number {
  return holder(optimizer).learningRate;
}

/**
 * Changes a tfjs optimizer's learning rate for the following steps. `SGDOptimizer` and
 * `MomentumOptimizer` cache `-learningRate` as a scalar tensor, so their `setLearningRate` is
 * called (it replaces that scalar); adam, adamax, adagrad, adadelta and rmsprop read the
 * `learningRate` property at every step, so it is assigned.
 *
 * @throws OverfitError when the optimizer has no numeric `learningRate`.
 * @example setLearningRate(model.optimizer, 0.001)
 */
export function setLearningRate(optimizer: unknown, learningRate: number): void {
  checkNumber('learningRate', learningRate, { min: 0 });
  const target = holder(optimizer);
  if (typeof target.setLearningRate === 'function') target.setLearningRate(learningRate);
  else target.learningRate = learningRate;
}
