import { type CallbackModel, type Logs, OverfitError, type TrainingCallback } from '@overfit/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

/**
 * The model as the Trainer's callbacks see it: the trained `LayersModel` itself (same weights,
 * same `stopTraining`, still `instanceof LayersModel`) except that `optimizer` is the Trainer's
 * optimizer, so `ReduceLROnPlateau` and schedules change the rate the Trainer really uses,
 * whether or not the model was compiled (and with whatever optimizer compile() was given).
 */
export function callbackModel(model: LayersModel, optimizer: tf.Optimizer): LayersModel {
  return new Proxy(model, {
    get(target, key) {
      return key === 'optimizer' ? optimizer : Reflect.get(target, key, target);
    },
    set(target, key, value) {
      // Writes go to the model (stopTraining, ...); the optimizer is the Trainer's to own.
      if (key === 'optimizer')
        throw new OverfitError(
          "a callback cannot replace the Trainer's optimizer (model.optimizer); change its learning rate instead",
        );
      return Reflect.set(target, key, value, target);
    },
  });
}

/**
 * Runs a list of {@link TrainingCallback}s in order, awaiting each, with the hook names and
 * call order of tfjs-layers' `CallbackList`. Missing hooks are skipped.
 */
export class CallbackList {
  constructor(private readonly callbacks: readonly TrainingCallback[]) {}

  setModel(model: CallbackModel): void {
    for (const c of this.callbacks) c.setModel?.(model);
  }

  setParams(params: Record<string, unknown>): void {
    for (const c of this.callbacks) c.setParams?.(params);
  }

  async onTrainBegin(logs?: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onTrainBegin?.(logs);
  }

  async onTrainEnd(logs?: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onTrainEnd?.(logs);
  }

  async onEpochBegin(epoch: number, logs?: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onEpochBegin?.(epoch, logs);
  }

  async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onEpochEnd?.(epoch, logs);
  }

  async onBatchBegin(batch: number, logs?: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onBatchBegin?.(batch, logs);
  }

  async onBatchEnd(batch: number, logs?: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onBatchEnd?.(batch, logs);
  }
}
