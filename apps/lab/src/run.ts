import type { TrainingCallback } from '@overfit/core';
import { mlp } from '@overfit/models';
import { l1, l2 } from '@overfit/regularizers';
import { Trainer } from '@overfit/training';
import * as tf from '@tensorflow/tfjs';
import type { LabEpoch } from './diagnostics.js';
import type { LabSettings } from './settings.js';

/** Tensors of one split: flat images `[N, 784]` and class ids. */
export interface SplitTensors {
  x: tf.Tensor;
  y: tf.Tensor;
}

/** What one training run leaves behind (plain JSON). */
export interface RunResult {
  epochs: LabEpoch[];
  testMacroF1: number;
  testAccuracy: number;
}

/** Per-run hooks for the page: a finished epoch (full history so far) and step progress. */
export interface RunHooks {
  onEpoch?: (epochs: LabEpoch[], flat: Record<string, number>) => void;
  onProgress?: (text: string) => void;
}

/**
 * Trains one MLP with the settings' topology and regularization, recording gradient norms per
 * layer and activation/gradient distributions each epoch, then scores the test split. The
 * model and optimizer live only inside this call; the data tensors belong to the caller.
 */
export async function runConfig(
  settings: LabSettings,
  data: { train: SplitTensors; validation: SplitTensors; test: SplitTensors },
  hooks: RunHooks = {},
): Promise<RunResult> {
  const model = mlp({
    inputShape: [784],
    depth: settings.depth,
    width: settings.hidden,
    activation: settings.activation,
    outputUnits: 10,
    seed: settings.seed,
    ...(settings.regularization === 'dropout' ? { dropout: settings.strength } : {}),
  });
  const penalties =
    settings.regularization === 'l1'
      ? [l1(settings.strength)]
      : settings.regularization === 'l2'
        ? [l2(settings.strength)]
        : [];
  const optimizer = tf.train.adam(settings.lr);
  let trainer: Trainer | undefined;
  const epochCallback: TrainingCallback = {
    onEpochEnd: (_epoch, logs = {}) => {
      // The recorder adds the epoch before onEpochEnd runs, so the history is current here.
      hooks.onEpoch?.(trainer?.history?.epochs ?? [], logs);
    },
  };
  try {
    trainer = new Trainer({
      model,
      optimizer,
      numClasses: 10,
      seed: settings.seed,
      penalties,
      callbacks: [epochCallback],
      diagnostics: { gradientNorms: true, distributions: true },
    });
    const history = await trainer.fit(data.train, {
      epochs: settings.epochs,
      batchSize: 128,
      validationData: data.validation,
      onProgress: (p) =>
        hooks.onProgress?.(`epoch ${p.epoch + 1}/${p.epochs}: batch ${p.batch + 1}/${p.batches}`),
    });
    // numClasses is set, so evaluate() returns every classification score.
    const scores = await trainer.evaluate(data.test, { batchSize: 500 });
    return {
      epochs: history.epochs,
      testMacroF1: scores.macroF1 ?? Number.NaN,
      testAccuracy: scores.accuracy ?? Number.NaN,
    };
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}
