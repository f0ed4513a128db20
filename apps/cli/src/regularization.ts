import type { ParameterConstraint, PenaltyTerm, TrainingCallback } from '@overfit/core';
import { EarlyStopping } from '@overfit/early-stopping';
import type { MlpOptions } from '@overfit/models';
import { l1, l2, labelSmoothingLoss, maxNorm } from '@overfit/regularizers';
import type { LossFn } from '@overfit/training';
import type * as tf from '@tensorflow/tfjs';
import type { TrainConfig } from './args.js';
import { buildOptimizer } from './run/optimizer.js';

/** What the regularization flags turn into, ready for `mlp` and the Trainer. */
export interface Regularization {
  model: Pick<MlpOptions, 'dropout' | 'dropConnect'>;
  optimizer: tf.Optimizer;
  penalties: PenaltyTerm[];
  constraints: ParameterConstraint[];
  loss: LossFn | 'softmaxMeanSquaredError' | undefined;
  earlyStopping: EarlyStopping | undefined;
  callbacks: TrainingCallback[];
}

/** Builds every regularizer the flags ask for (all off by default). */
export function buildRegularization(config: TrainConfig): Regularization {
  const penalties: PenaltyTerm[] = [];
  if (config.l1 !== null && config.l1 > 0) penalties.push(l1(config.l1));
  if (config.l2 !== null && config.l2 > 0) penalties.push(l2(config.l2));
  const constraints: ParameterConstraint[] =
    config.maxNorm === null ? [] : [maxNorm({ maxValue: config.maxNorm })];
  const optimizer = buildOptimizer(config);
  const earlyStopping =
    config.earlyStopping === null
      ? undefined
      : new EarlyStopping({
          monitor: config.earlyStopping.monitor,
          patience: config.earlyStopping.patience,
          minDelta: config.earlyStopping.minDelta,
          mode: config.earlyStopping.mode,
          restoreBestWeights: config.earlyStopping.restoreBestWeights,
        });
  return {
    model: {
      ...(config.dropout !== null && config.dropout > 0 ? { dropout: config.dropout } : {}),
      ...(config.dropconnect !== null && config.dropconnect > 0
        ? { dropConnect: config.dropconnect }
        : {}),
    },
    optimizer,
    penalties,
    constraints,
    loss:
      config.loss === 'mse'
        ? 'softmaxMeanSquaredError'
        : config.labelSmoothing !== null && config.labelSmoothing > 0
          ? labelSmoothingLoss(config.labelSmoothing)
          : undefined,
    earlyStopping,
    callbacks: earlyStopping ? [earlyStopping as unknown as TrainingCallback] : [],
  };
}
