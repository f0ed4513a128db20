import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseAugmentationSpec } from '@overfit/augmentation';
import { Rng } from '@overfit/core';
import { MNIST_FILE_NAMES } from '@overfit/data';
import * as tf from '@tensorflow/tfjs';
import type { TrainConfig } from './args.js';
import { FASHION_MNIST_DIR, FASHION_MNIST_HINT } from './run/data.js';
import { IMAGE_SHAPE } from './run/model.js';

/** What the checks before any data is loaded found: refusals and warnings, one line each. */
export interface PlanCheck {
  problems: string[];
  warnings: string[];
}

/** Keys the Trainer puts in epoch logs (tfjs aliases included), by whether they need validation data. */
const TRAIN_MONITORS = ['loss', 'penalty', 'accuracy', 'acc', 'gradNorm'];
const VALIDATION_MONITORS = ['valLoss', 'val_loss', 'valAccuracy', 'val_acc', 'valMacroF1'];

/** Training and validation counts as `--limit` and `--validation-split` make them. */
export function splitCounts(config: Pick<TrainConfig, 'limit' | 'validationSplit'>): {
  train: number;
  validation: number;
} {
  const total = config.limit ?? 60_000;
  const train = Math.floor(total * (1 - config.validationSplit));
  return { train, validation: total - train };
}

/**
 * Everything about a configuration that can be checked without data or a backend: option
 * combinations, the early-stopping monitor against the validation data there will be, the
 * data set being installed, and a `--limit` that leaves less than a batch (a warning).
 */
export function checkPlan(config: TrainConfig): PlanCheck {
  const problems: string[] = [];
  const warnings: string[] = [];
  if (config.model === 'cnn') {
    for (const [flag, on] of [
      ['--batch-norm', config.batchNorm],
      ['--layer-norm', config.layerNorm],
      ['--dropconnect', config.dropconnect !== null],
    ] as const)
      if (on) problems.push(`${flag} applies to --model mlp; the course's cnn has its own layers`);
  }
  if (config.batchNorm && config.layerNorm)
    problems.push('--batch-norm and --layer-norm: choose one of them');
  if (config.loss === 'mse' && config.labelSmoothing !== null)
    problems.push(
      '--label-smoothing needs --loss crossentropy (it smooths the cross-entropy targets)',
    );
  if (config.weightDecay !== null && !['adam', 'adamw'].includes(config.optimizer))
    problems.push(
      `--weight-decay is AdamW's decoupled decay and needs --optimizer adam or adamw, got --optimizer ${config.optimizer}`,
    );
  const counts = splitCounts(config);
  if (counts.train === 0)
    problems.push(
      `--limit ${config.limit} with --validation-split ${config.validationSplit} leaves no training images`,
    );
  const monitor = config.earlyStopping?.monitor;
  if (monitor !== undefined) {
    if (!TRAIN_MONITORS.includes(monitor) && !VALIDATION_MONITORS.includes(monitor))
      problems.push(
        `--early-stopping monitor must be one of ${[...VALIDATION_MONITORS, ...TRAIN_MONITORS].join(', ')}, got ${JSON.stringify(monitor)}`,
      );
    else if (VALIDATION_MONITORS.includes(monitor) && counts.validation === 0)
      problems.push(
        `--early-stopping monitor=${monitor} needs validation data, but --validation-split ${config.validationSplit} holds none out; use monitor=loss or a split > 0`,
      );
  }
  if (
    config.dataset === 'fashion-mnist' &&
    !Object.values(MNIST_FILE_NAMES).every((f) => existsSync(join(FASHION_MNIST_DIR, `${f}.gz`)))
  )
    problems.push(FASHION_MNIST_HINT);
  if (counts.train > 0 && counts.train < config.batchSize)
    warnings.push(
      `--limit ${config.limit} leaves ${counts.train} training images (validation split ${config.validationSplit}), fewer than one batch of ${config.batchSize}: each epoch is a single batch of ${counts.train}`,
    );
  return { problems, warnings };
}

/**
 * Runs `--augment` once on two blank images of the model's input shape, so that a pipeline
 * whose output does not fit the model (`crop(10)` on 28x28) is refused before data is loaded
 * rather than failing in the first training step. Needs a backend.
 *
 * @returns a problem line, or undefined when the pipeline fits
 */
export function checkAugmentationShape(augment: string | null): string | undefined {
  if (augment === null) return undefined;
  const pipeline = parseAugmentationSpec(augment);
  const shape = [2, ...IMAGE_SHAPE];
  try {
    const out = tf.tidy(() => {
      const images = tf.zeros(shape);
      const params = pipeline.sampleParams(shape, new Rng(0));
      return pipeline.apply(images, params).shape;
    });
    if (out.length !== shape.length || out.some((d, i) => d !== shape[i]))
      return `--augment ${JSON.stringify(augment)} turns [N, ${IMAGE_SHAPE.join(', ')}] images into [N, ${out.slice(1).join(', ')}]; the model takes [${IMAGE_SHAPE.join(', ')}] (resize back, e.g. randomResizedCrop, or pad)`;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return `--augment ${JSON.stringify(augment)} does not run on [N, ${IMAGE_SHAPE.join(', ')}] images: ${message.split('\n')[0]}`;
  }
  return undefined;
}
