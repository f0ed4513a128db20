// ModelCheckpoint's selection rule on scripted logs (Keras: save when np.less / np.greater
// than the best saved value), its path template, and its checks before training.
import { InvalidArgumentError, OverfitError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelCheckpoint, type ModelCheckpointArgs } from './checkpoint.js';
import { formatTemplate, templateFields } from './checkpoint-path.js';
import { MissingMonitorError } from './logs.js';

const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
afterAll(() => model.dispose());

/** A handler factory that records what each save received, without storing anything. */
function recorder() {
  const saves: { path: string; artifacts: tf.io.ModelArtifacts }[] = [];
  const handler = (path: string) =>
    tf.io.withSaveHandler(async (artifacts) => {
      saves.push({ path, artifacts });
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    });
  return { saves, handler };
}

/** One run over `values` (one monitored value per epoch, under `key`); returns saved epochs. */
async function script(
  args: Omit<ModelCheckpointArgs, 'filepath' | 'handler'>,
  values: readonly number[],
  key = 'valLoss',
  ckpt?: ModelCheckpoint,
): Promise<number[]> {
  const { handler } = recorder();
  const cb = ckpt ?? new ModelCheckpoint({ filepath: 'mem://e{epoch}', handler, ...args });
  cb.setModel(model);
  cb.setParams({ metrics: ['loss', key] });
  await cb.onTrainBegin();
  const before = cb.saved.length;
  for (let epoch = 0; epoch < values.length; epoch++)
    await cb.onEpochEnd(epoch, { loss: 1, [key]: values[epoch]! });
  await cb.onTrainEnd();
  return cb.saved.slice(before).map((s) => s.epoch);
}

describe('ModelCheckpoint selection (Keras rule)', () => {
  const losses = [1.0, 0.9, 0.95, 0.9, 0.5, Number.NaN, 0.49, 0.495];

  it('min: saves strictly better values only; ties and NaN do not save', async () => {
    // 1.0 (first) · 0.9 < 1.0 · 0.95 no · 0.9 = best, no · 0.5 · NaN no · 0.49 · 0.495 no
    expect(await script({ mode: 'min' }, losses)).toEqual([0, 1, 4, 6]);
    expect(await script({}, losses)).toEqual([0, 1, 4, 6]); // auto: valLoss is minimized
  });

  it('minDelta: the improvement must exceed it', async () => {
    // 0.9 + 0.05 < 1.0 · 0.5 + 0.05 < 0.9 · 0.49 + 0.05 < 0.5 fails
    expect(await script({ minDelta: 0.05 }, losses)).toEqual([0, 1, 4]);
  });

  it('max (and auto for valAccuracy)', async () => {
    const acc = [0.5, 0.6, 0.6, 0.55, 0.7, 0.71];
    expect(await script({ monitor: 'valAccuracy', mode: 'max' }, acc, 'valAccuracy')).toEqual([
      0, 1, 4, 5,
    ]);
    expect(await script({ monitor: 'valAccuracy' }, acc, 'valAccuracy')).toEqual([0, 1, 4, 5]);
    expect(await script({ monitor: 'valAccuracy', minDelta: 0.05 }, acc, 'valAccuracy')).toEqual([
      0, 1, 4,
    ]);
  });

  it('initialValueThreshold starts the best; saveBestOnly false saves every epoch', async () => {
    expect(await script({ initialValueThreshold: 0.92 }, losses)).toEqual([1, 4, 6]);
    expect(await script({ saveBestOnly: false }, losses)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('the best persists across fit calls (Keras); reset() forgets it', async () => {
    const { handler } = recorder();
    const ckpt = new ModelCheckpoint({ filepath: 'mem://x', handler });
    expect(await script({}, [0.5, 0.4], 'valLoss', ckpt)).toEqual([0, 1]);
    expect(await script({}, [0.45, 0.3], 'valLoss', ckpt)).toEqual([1]);
    expect(ckpt.bestValue).toBe(0.3);
    ckpt.reset();
    expect(await script({}, [0.45], 'valLoss', ckpt)).toEqual([0]);
  });

  it('fills the path template (1-based epoch, log values in either spelling)', async () => {
    const { saves, handler } = recorder();
    const ckpt = new ModelCheckpoint({
      filepath: 'mem://run/e{epoch:03d}-{val_loss:.3f}-{acc:.1e}',
      handler,
    });
    ckpt.setModel(model);
    await ckpt.onTrainBegin();
    await ckpt.onEpochEnd(6, { valLoss: 0.123456, acc: 0.5 });
    expect(saves.map((s) => s.path)).toEqual(['mem://run/e007-0.123-5.0e-1']);
    expect(ckpt.lastPath).toBe('mem://run/e007-0.123-5.0e-1');
    expect(ckpt.saved).toEqual([
      { epoch: 6, path: 'mem://run/e007-0.123-5.0e-1', value: 0.123456 },
    ]);
    // A whole model: topology and weights; weights only: no topology.
    expect(saves[0]!.artifacts.modelTopology).toBeDefined();
    const weightsOnly = new ModelCheckpoint({ filepath: 'w', handler, saveWeightsOnly: true });
    weightsOnly.setModel(model);
    await weightsOnly.onEpochEnd(0, { valLoss: 1 });
    expect(saves[1]!.artifacts.modelTopology).toBeUndefined();
    expect(saves[1]!.artifacts.weightSpecs!.map((s) => s.name)).toEqual(
      model.weights.map((w) => w.originalName),
    );
  });

  it('formats like Python str.format', () => {
    expect(formatTemplate('{epoch:02d}|{epoch:4d}|{v:.2f}|{v}', { epoch: 3, v: 0.456 })).toBe(
      '03|   3|0.46|0.456',
    );
    expect(templateFields('a{epoch}b{valLoss:.4f}')).toEqual([
      { key: 'epoch', format: '' },
      { key: 'valLoss', format: '.4f' },
    ]);
  });
});

describe('ModelCheckpoint checks', () => {
  const { handler } = recorder();

  it('refuses bad options with the argument named', () => {
    expect(() => new ModelCheckpoint({ filepath: '' })).toThrow(/filepath/);
    expect(() => new ModelCheckpoint({ filepath: 'a{epoch:x}' })).toThrow(/filepath.*\{epoch:x\}/);
    expect(() => new ModelCheckpoint({ filepath: 'a{b' })).toThrow(/braces/);
    expect(() => new ModelCheckpoint({ filepath: 'a', monitor: 'valIoUx' })).toThrow(
      InvalidArgumentError,
    );
    expect(() => new ModelCheckpoint({ filepath: 'a', minDelta: -1 })).toThrow(/minDelta/);
    expect(
      () => new ModelCheckpoint({ filepath: 'a', savebestonly: true } as ModelCheckpointArgs),
    ).toThrow(/savebestonly/);
    // Keras raises for keys auto cannot place, and so do we.
    expect(() => new ModelCheckpoint({ filepath: 'a', monitor: 'valWeird' })).toThrow(
      /mode must be 'min' or 'max' for monitor 'valWeird'/,
    );
  });

  it('a monitor or template key that will not be logged fails at train begin', async () => {
    const ckpt = new ModelCheckpoint({ filepath: 'mem://a', handler });
    ckpt.setModel(model);
    ckpt.setParams({ metrics: ['loss', 'acc'] });
    await expect(ckpt.onTrainBegin()).rejects.toThrow(MissingMonitorError);
    await expect(ckpt.onTrainBegin()).rejects.toThrow(/'valLoss'.*declared: 'loss', 'acc'/);
    const named = new ModelCheckpoint({ filepath: 'a{valF1:.2f}', saveBestOnly: false, handler });
    named.setModel(model);
    named.setParams({ metrics: ['loss'] });
    await expect(named.onTrainBegin()).rejects.toThrow(/'valF1'/);
    // saveBestOnly false does not need the monitor.
    const every = new ModelCheckpoint({ filepath: 'a', saveBestOnly: false, handler });
    every.setModel(model);
    every.setParams({ metrics: ['loss'] });
    await expect(every.onTrainBegin()).resolves.toBeUndefined();
  });

  it('a path no tf.io router takes fails at train begin, naming the Node handler', async () => {
    const ckpt = new ModelCheckpoint({ filepath: 'indexeddb://best' });
    ckpt.setModel(model);
    await expect(ckpt.onTrainBegin()).rejects.toThrow(OverfitError);
    await expect(ckpt.onTrainBegin()).rejects.toThrow(/directoryHandler/);
  });

  it('a model that is not a LayersModel is refused at train begin', async () => {
    const ckpt = new ModelCheckpoint({ filepath: 'a', handler });
    ckpt.setModel({ stopTraining: false, getWeights: () => [], setWeights: () => {} });
    await expect(ckpt.onTrainBegin()).rejects.toThrow(/LayersModel/);
  });

  it('holds no tensors across repeated saves', async () => {
    const ckpt = new ModelCheckpoint({ filepath: 'a', handler, saveWeightsOnly: true });
    ckpt.setModel(model);
    await ckpt.onEpochEnd(0, { valLoss: 2 });
    const before = tf.memory().numTensors;
    for (let e = 1; e < 4; e++) await ckpt.onEpochEnd(e, { valLoss: 1 / e });
    await ckpt.onEpochEnd(5, { valLoss: 9 });
    expect(tf.memory().numTensors).toBe(before);
  });
});
