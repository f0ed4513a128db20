// Test-only helpers (not exported from index.ts): a one-weight model whose weight records the
// epoch it was set in, so a restore can be checked by reading which epoch's weight is back.
import type { CallbackModel, TrainingCallback } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import type { EpochLogs } from './logs.js';

export class EpochMarkedModel implements CallbackModel {
  stopTraining = false;
  optimizer?: unknown;
  readonly weight = tf.tidy(() => tf.variable(tf.scalar(-1), true));

  getWeights(): tf.Tensor[] {
    return [this.weight];
  }
  setWeights(weights: tf.Tensor[]): void {
    this.weight.assign(weights[0] as tf.Scalar);
  }
  /** Sets the weight to `epoch`, as if training had produced that epoch's weights. */
  mark(epoch: number): void {
    const value = tf.scalar(epoch);
    this.weight.assign(value);
    value.dispose();
  }
  /** The epoch whose weight the model holds now. */
  markedEpoch(): number {
    return this.weight.dataSync()[0]!;
  }
  dispose(): void {
    this.weight.dispose();
  }
}

/**
 * Drives `callback` the way model.fit and the Trainer do: one training run over `values`
 * (one monitored value per epoch), marking the weight with the epoch number before each
 * `onEpochEnd`; stops when the callback sets `stopTraining`. Returns the epochs run.
 */
export async function runScript(
  callback: TrainingCallback,
  model: EpochMarkedModel,
  values: readonly number[],
  key = 'val_loss',
  extraLogs: EpochLogs = {},
): Promise<number> {
  model.stopTraining = false;
  callback.setModel?.(model);
  await callback.onTrainBegin?.();
  let epochs = 0;
  for (let epoch = 0; epoch < values.length; epoch++) {
    await callback.onEpochBegin?.(epoch);
    model.mark(epoch);
    await callback.onEpochEnd?.(epoch, { loss: 1, ...extraLogs, [key]: values[epoch]! } as Record<
      string,
      number
    >);
    epochs += 1;
    if (model.stopTraining) break;
  }
  await callback.onTrainEnd?.();
  return epochs;
}
