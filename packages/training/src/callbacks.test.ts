import type { CallbackModel, Logs, TrainingCallback } from '@overfit/core';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { Trainer } from './index.js';
import { blobs, maxAbsDiff, mlp, weightValues } from './test-helpers.js';

const disposables: tf.TensorContainer[] = [];
afterEach(() => {
  tf.dispose(disposables.splice(0));
});

/** Records every hook call as a string. */
function recorder(calls: string[], extra: Partial<TrainingCallback> = {}): TrainingCallback {
  return {
    setModel: () => calls.push('setModel'),
    setParams: () => calls.push('setParams'),
    onTrainBegin: () => void calls.push('trainBegin'),
    onEpochBegin: (e) => void calls.push(`epochBegin ${e}`),
    onBatchBegin: (b) => void calls.push(`batchBegin ${b}`),
    onBatchEnd: (b) => void calls.push(`batchEnd ${b}`),
    onEpochEnd: (e) => void calls.push(`epochEnd ${e}`),
    onTrainEnd: () => void calls.push('trainEnd'),
    ...extra,
  };
}

describe('callbacks', () => {
  it('are called in the tfjs-layers order with its params and log keys', async () => {
    const data = blobs(5, 3, 1); // 15 samples, batch 8: 2 batches
    disposables.push(data);
    const model = mlp([2, 4, 3], 1);
    const calls: string[] = [];
    let params: Record<string, unknown> = {};
    let seenModel: CallbackModel | undefined;
    const epochLogs: Logs[] = [];
    const batchLogs: Logs[] = [];
    const spy = {
      setModel: (m: CallbackModel) => {
        seenModel = m;
      },
      setParams: (p: Record<string, unknown>) => {
        params = p;
      },
      onEpochEnd: (_: number, logs?: Logs) => void epochLogs.push(logs!),
      onBatchEnd: (_: number, logs?: Logs) => void batchLogs.push({ ...logs! }),
    };
    const trainer = new Trainer({
      model,
      optimizer: tf.train.sgd(0.1),
      callbacks: [recorder(calls), spy],
      seed: 1,
    });
    await trainer.fit(data, { epochs: 2, batchSize: 8, validationData: data });
    expect(calls).toEqual([
      'setModel',
      'setParams',
      'trainBegin',
      'epochBegin 0',
      'batchBegin 0',
      'batchEnd 0',
      'batchBegin 1',
      'batchEnd 1',
      'epochEnd 0',
      'epochBegin 1',
      'batchBegin 0',
      'batchEnd 0',
      'batchBegin 1',
      'batchEnd 1',
      'epochEnd 1',
      'trainEnd',
    ]);
    // The model itself, seen with the Trainer's optimizer (the model was never compiled).
    expect(seenModel).toBeInstanceOf(tf.LayersModel);
    expect(seenModel!.optimizer).toBe(trainer.optimizer);
    expect((seenModel as tf.LayersModel).name).toBe(model.name);
    seenModel!.stopTraining = true;
    expect(model.stopTraining).toBe(true);
    model.stopTraining = false;
    expect(params).toMatchObject({
      epochs: 2,
      initialEpoch: 0,
      samples: 15,
      steps: 2,
      batchSize: 8,
      doValidation: true,
    });
    expect(params.metrics).toEqual([
      'loss',
      'accuracy',
      'acc',
      'valLoss',
      'val_loss',
      'valAccuracy',
      'val_acc',
      'valMacroF1',
    ]);
    expect(Object.keys(epochLogs[0]!).sort()).toEqual(
      [
        'acc',
        'accuracy',
        'loss',
        'valAccuracy',
        'valLoss',
        'valMacroF1',
        'val_acc',
        'val_loss',
      ].sort(),
    );
    expect(epochLogs[0]!.val_loss).toBe(epochLogs[0]!.valLoss);
    // The loss is read at epoch end only (no logEvery): batch 0 has no loss, batch 1 has it.
    expect(batchLogs[0]).toEqual({ batch: 0, size: 8 });
    expect(batchLogs[1]).toMatchObject({ batch: 1, size: 7 });
    expect(batchLogs[1]!.loss).toBeCloseTo(epochLogs[0]!.loss!, 6);
    model.dispose();
  });

  it('logEvery reads the window mean loss into onBatchEnd logs and progress', async () => {
    const data = blobs(8, 3, 2); // 24 samples, batch 4: 6 batches
    disposables.push(data);
    const model = mlp([2, 4, 3], 2);
    const losses: Array<number | undefined> = [];
    const progress: Array<{ batch: number; samplesSeen: number; loss?: number }> = [];
    const trainer = new Trainer({
      model,
      optimizer: tf.train.sgd(0.1),
      seed: 1,
      callbacks: [{ onBatchEnd: (_, logs) => void losses.push(logs?.loss) }],
    });
    const h = await trainer.fit(data, {
      epochs: 1,
      batchSize: 4,
      logEvery: 2,
      onProgress: ({ batch, samplesSeen, loss }) =>
        void progress.push({ batch, samplesSeen, loss }),
    });
    expect(losses.map((l) => l !== undefined)).toEqual([false, true, false, true, false, true]);
    expect(progress.map((p) => p.samplesSeen)).toEqual([4, 8, 12, 16, 20, 24]);
    expect(progress[1]!.loss).toBe(losses[1]);
    // Equal windows: the epoch mean is the mean of the window means.
    const mean = (losses[1]! + losses[3]! + losses[5]!) / 3;
    expect(h.epochs[0]!.loss).toBeCloseTo(mean, 6);
    model.dispose();
  });

  it('model.stopTraining set in onBatchEnd ends after that batch; the partial epoch is still logged', async () => {
    const data = blobs(8, 3, 3); // 3 batches of 8
    disposables.push(data);
    const model = mlp([2, 4, 3], 3);
    const calls: string[] = [];
    const stopper = {
      onBatchEnd: (batch: number) => {
        if (calls.includes('epochEnd 0') && batch === 0) model.stopTraining = true;
      },
    };
    const trainer = new Trainer({
      model,
      optimizer: tf.train.sgd(0.1),
      callbacks: [recorder(calls), stopper],
      seed: 1,
    });
    const h = await trainer.fit(data, { epochs: 5, batchSize: 8 });
    expect(h.stopReason).toBe('stopTraining');
    expect(h.epochs.map((e) => e.steps)).toEqual([3, 1]);
    expect(calls.slice(-4)).toEqual(['batchBegin 0', 'batchEnd 0', 'epochEnd 1', 'trainEnd']);
    // A new fit starts with stopTraining reset.
    const again = await new Trainer({ model, optimizer: tf.train.sgd(0.1), seed: 1 }).fit(data, {
      epochs: 2,
      batchSize: 8,
    });
    expect(again.epochs).toHaveLength(2);
    model.dispose();
  });

  it("tfjs-layers' own EarlyStopping stops the Trainer (val_loss alias)", async () => {
    const data = blobs(6, 3, 4);
    disposables.push(data);
    const model = mlp([2, 4, 3], 4);
    // lr 0: val_loss never improves by minDelta, so it stops after patience + 1 epochs.
    const early = tf.callbacks.earlyStopping({ monitor: 'val_loss', patience: 1, minDelta: 0.1 });
    const trainer = new Trainer({
      model,
      optimizer: tf.train.sgd(0),
      callbacks: [early as unknown as TrainingCallback],
      seed: 1,
    });
    const h = await trainer.fit(data, { epochs: 10, batchSize: 6, validationData: data });
    expect(h.epochs).toHaveLength(2);
    expect(h.stopReason).toBe('stopTraining');
    model.dispose();
  });
});

describe('cancellation', () => {
  it('abort stops at the next step boundary; fit resolves with the completed epochs', async () => {
    const data = blobs(8, 3, 5); // 3 batches of 8
    disposables.push(data);
    const model = mlp([2, 4, 3], 5);
    const controller = new AbortController();
    const calls: string[] = [];
    let atAbort: Float32Array[] = [];
    const aborter = {
      onBatchEnd: (batch: number) => {
        if (calls.includes('epochEnd 0') && batch === 1) {
          controller.abort();
          atAbort = weightValues(model);
        }
      },
    };
    const trainer = new Trainer({
      model,
      optimizer: tf.train.adam(0.01),
      callbacks: [recorder(calls), aborter],
      seed: 1,
    });
    const h = await trainer.fit(data, { epochs: 5, batchSize: 8, signal: controller.signal });
    expect(h.stopReason).toBe('aborted');
    expect(h.epochs).toHaveLength(1);
    expect(calls.slice(-3)).toEqual(['batchBegin 1', 'batchEnd 1', 'trainEnd']);
    expect(maxAbsDiff(weightValues(model), atAbort)).toBe(0);
    model.dispose();
  });

  it('an abort from a timer gets through (the loop yields to the event loop while training)', async () => {
    const data = blobs(4, 3, 8);
    disposables.push(data);
    const model = mlp([2, 4, 3], 8);
    const trainer = new Trainer({ model, optimizer: tf.train.sgd(0.01), seed: 1 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const h = await trainer.fit(data, { epochs: 100_000, batchSize: 4, signal: controller.signal });
    expect(h.stopReason).toBe('aborted');
    expect(h.epochs.length).toBeLessThan(100_000);
    model.dispose();
  });

  it('an already aborted signal trains nothing', async () => {
    const data = blobs(4, 3, 6);
    disposables.push(data);
    const model = mlp([2, 4, 3], 6);
    const before = weightValues(model);
    const trainer = new Trainer({ model, optimizer: tf.train.sgd(0.1), seed: 1 });
    const h = await trainer.fit(data, { epochs: 3, signal: AbortSignal.abort() });
    expect(h).toEqual({ epochs: [], history: {}, stopReason: 'aborted' });
    expect(maxAbsDiff(weightValues(model), before)).toBe(0);
    model.dispose();
  });

  it('rejects a second concurrent fit on the same trainer', async () => {
    const data = blobs(4, 3, 7);
    disposables.push(data);
    const model = mlp([2, 4, 3], 7);
    const trainer = new Trainer({ model, optimizer: tf.train.sgd(0.1), seed: 1 });
    const first = trainer.fit(data, { epochs: 2 });
    await expect(trainer.fit(data, { epochs: 1 })).rejects.toThrow(/already running/);
    await first;
    model.dispose();
  });
});
