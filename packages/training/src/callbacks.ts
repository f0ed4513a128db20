import type { CallbackModel, Logs, TrainingCallback } from '@overfit/core';

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
