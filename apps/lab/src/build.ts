/**
 * A LabConfig turned into what the Trainer takes: the model (MLP or the small CNN), the
 * optimizer (with decoupled weight decay when asked), penalties, constraints, loss,
 * augmentation and early stopping. Runs in the worker; tfjs objects only, no DOM.
 */
import { parseAugmentationSpec } from '@overfit/augmentation';
import type { ParameterConstraint, PenaltyTerm, TrainingCallback, Transform } from '@overfit/core';
import { EarlyStopping } from '@overfit/early-stopping';
import { cnn, mlp } from '@overfit/models';
import {
  decoupledWeightDecay,
  l1,
  l1l2,
  l2,
  labelSmoothingLoss,
  maxNorm,
} from '@overfit/regularizers';
import type { LossFn } from '@overfit/training';
import * as tf from '@tensorflow/tfjs';
import { AUGMENTATION_SPECS, type LabConfig } from './config.js';

export interface BuiltRun {
  model: tf.LayersModel;
  optimizer: tf.Optimizer;
  penalties: PenaltyTerm[];
  constraints: ParameterConstraint[];
  loss: LossFn | undefined;
  augment: Transform | undefined;
  earlyStopping: EarlyStopping | undefined;
  callbacks: TrainingCallback[];
}

function baseOptimizer(c: LabConfig): tf.Optimizer {
  switch (c.optimizer) {
    case 'adam':
      return tf.train.adam(c.lr);
    case 'sgd':
      return tf.train.sgd(c.lr);
    case 'momentum':
      return tf.train.momentum(c.lr, 0.9);
    case 'rmsprop':
      return tf.train.rmsprop(c.lr);
  }
}

/** The augmentation pipeline of a preset, for `[N, 28, 28, 1]` images in [0, 1]. */
export function augmentationPipeline(preset: LabConfig['augmentation']): Transform | undefined {
  const spec = AUGMENTATION_SPECS[preset];
  return spec === undefined ? undefined : parseAugmentationSpec(spec);
}

/** Everything one run needs; the caller disposes `model` and `optimizer`. */
export function buildRun(c: LabConfig): BuiltRun {
  const init = c.init === 'default' ? {} : { init: c.init };
  const model =
    c.architecture === 'cnn'
      ? cnn({
          inputShape: [28, 28, 1],
          filters: [8, 16],
          denseUnits: c.hidden,
          dropout: c.dropout,
          activation: c.activation,
          seed: c.seed,
          ...init,
        })
      : mlp({
          // Images, not rows: the Trainer augments [N, H, W, C] batches; the MLP flattens them.
          inputShape: [28, 28, 1],
          depth: c.depth,
          width: c.hidden,
          activation: c.activation,
          outputUnits: 10,
          seed: c.seed,
          ...init,
          ...(c.dropout > 0 ? { dropout: c.dropout } : {}),
          ...(c.dropConnect > 0 ? { dropConnect: c.dropConnect } : {}),
        });
  const penalties: PenaltyTerm[] = [];
  if (c.l1 > 0) penalties.push(l1(c.l1));
  if (c.l2 > 0) penalties.push(l2(c.l2));
  if (c.elastic > 0)
    penalties.push(l1l2({ l1: c.elastic * c.elasticRatio, l2: c.elastic * (1 - c.elasticRatio) }));
  const inner = baseOptimizer(c);
  const optimizer =
    c.weightDecay > 0 ? decoupledWeightDecay(inner, { weightDecay: c.weightDecay }) : inner;
  const earlyStopping = c.earlyStopping
    ? new EarlyStopping({
        monitor: 'val_loss',
        patience: c.patience,
        restoreBestWeights: c.restoreBest,
      })
    : undefined;
  const pipeline = augmentationPipeline(c.augmentation);
  return {
    model,
    optimizer,
    penalties,
    constraints: c.maxNorm > 0 ? [maxNorm({ maxValue: c.maxNorm })] : [],
    loss: c.labelSmoothing > 0 ? labelSmoothingLoss(c.labelSmoothing) : undefined,
    augment: pipeline,
    earlyStopping,
    callbacks: earlyStopping ? [earlyStopping as unknown as TrainingCallback] : [],
  };
}
