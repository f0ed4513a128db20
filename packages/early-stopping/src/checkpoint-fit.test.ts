// ModelCheckpoint inside real training loops (tfjs-layers model.fit and the overfit Trainer),
// saving to a directory through the Node entry, reloaded with tf.loadLayersModel.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Trainer } from '@overfit/training';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { BestWeightsKeeper } from './best-weights.js';
import { ModelCheckpoint } from './checkpoint.js';
import { loadCheckpointWeights } from './checkpoint-io.js';
import { MissingMonitorError } from './logs.js';
import { directoryHandler } from './node.js';

const root = mkdtempSync(join(tmpdir(), 'overfit-ckpt-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function regressor(): tf.Sequential {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  return tf.sequential({
    layers: [
      tf.layers.dense({
        units: 64,
        activation: 'relu',
        inputShape: [4],
        kernelInitializer: init(1),
      }),
      tf.layers.dense({ units: 1, kernelInitializer: init(2) }),
    ],
  });
}

function noisyLine(n: number, seed: number): { x: tf.Tensor; y: tf.Tensor } {
  return tf.tidy(() => {
    const x = tf.randomNormal([n, 4], 0, 1, 'float32', seed);
    const noise = tf.randomNormal([n, 1], 0, 1, 'float32', seed + 100);
    return { x, y: tf.add(tf.slice(x, [0, 0], [n, 1]), noise) };
  });
}

function expectSamePredictions(a: tf.LayersModel, b: tf.LayersModel, x: tf.Tensor): void {
  const [pa, pb] = [a.predict(x) as tf.Tensor, b.predict(x) as tf.Tensor];
  expect(Array.from(pb.dataSync())).toEqual(Array.from(pa.dataSync()));
  tf.dispose([pa, pb]);
}

describe('ModelCheckpoint in model.fit', () => {
  it('saves the best epoch to a directory; tf.loadLayersModel gives its predictions', async () => {
    const train = noisyLine(16, 1);
    const val = noisyLine(64, 2);
    const model = regressor();
    model.compile({ optimizer: tf.train.adam(0.02), loss: 'meanSquaredError' });
    const dir = join(root, 'fit');
    const ckpt = new ModelCheckpoint({
      filepath: dir,
      monitor: 'val_loss',
      handler: directoryHandler,
    });
    const keeper = new BestWeightsKeeper({ monitor: 'val_loss' });
    const history = await model.fit(train.x, train.y, {
      epochs: 12,
      batchSize: 16,
      validationData: [val.x, val.y],
      callbacks: [ckpt, keeper],
    });
    const valLoss = history.history.val_loss as number[];
    const bestEpoch = valLoss.indexOf(Math.min(...valLoss));
    expect(ckpt.bestEpoch).toBe(bestEpoch);
    expect(ckpt.bestValue).toBeCloseTo(valLoss[bestEpoch]!, 6);
    // Saved at each new best: exactly the epochs where val_loss hit a new minimum.
    const newMinima = valLoss.flatMap((v, i) =>
      v < Math.min(...valLoss.slice(0, i)) || i === 0 ? [i] : [],
    );
    expect(ckpt.saved.map((s) => s.epoch)).toEqual(newMinima);

    const loaded = await tf.loadLayersModel(directoryHandler(dir));
    keeper.restore();
    expectSamePredictions(model, loaded, val.x);
    keeper.dispose();
    tf.dispose([train.x, train.y, val.x, val.y]);
    model.dispose();
    loaded.dispose();
  });
});

describe('ModelCheckpoint in the Trainer', () => {
  it('saves weights only at the best epoch, loads them back, leaks nothing', async () => {
    const train = noisyLine(16, 3);
    const val = noisyLine(64, 4);
    const model = regressor();
    const dir = join(root, 'trainer-weights');
    const ckpt = new ModelCheckpoint({
      filepath: join(dir, 'e{epoch:02d}'),
      saveWeightsOnly: true,
      handler: directoryHandler,
    });
    const keeper = new BestWeightsKeeper({ monitor: 'valLoss' });
    const trainer = new Trainer({
      model,
      optimizer: tf.train.adam(0.02),
      loss: 'meanSquaredError',
      seed: 1,
    });
    const fitOptions = { epochs: 10, batchSize: 8, validationData: val, callbacks: [ckpt, keeper] };
    await trainer.fit(train, { ...fitOptions, epochs: 2 }); // creates the optimizer's slots
    ckpt.reset();
    const before = tf.memory().numTensors;
    const history = await trainer.fit(train, fitOptions);
    expect(tf.memory().numTensors).toBe(before); // the keeper replaced its copy, nothing else stays
    const valLoss = history.history.valLoss!;
    const bestEpoch = valLoss.indexOf(Math.min(...valLoss));
    expect(ckpt.lastPath).toBe(join(dir, `e${String(bestEpoch + 1).padStart(2, '0')}`));
    const fresh = regressor();
    await loadCheckpointWeights(fresh, directoryHandler(ckpt.lastPath!));
    keeper.restore();
    expectSamePredictions(model, fresh, val.x);
    keeper.dispose();
    tf.dispose([train.x, train.y, val.x, val.y]);
    model.dispose();
    fresh.dispose();
  });

  it('saves the whole model from the Trainer too (it reloads with tf.loadLayersModel)', async () => {
    const train = noisyLine(16, 6);
    const model = regressor();
    const dir = join(root, 'trainer-model');
    const ckpt = new ModelCheckpoint({
      filepath: dir,
      saveBestOnly: false,
      handler: directoryHandler,
    });
    const trainer = new Trainer({
      model,
      optimizer: tf.train.adam(0.01),
      loss: 'meanSquaredError',
      seed: 2,
    });
    // Every epoch, no validation data needed: the directory holds the last epoch's model.
    await trainer.fit(train, { epochs: 4, batchSize: 8, callbacks: [ckpt] });
    expect(ckpt.saved.map((s) => s.epoch)).toEqual([0, 1, 2, 3]);
    const loaded = await tf.loadLayersModel(directoryHandler(dir));
    expectSamePredictions(model, loaded, train.x);
    expect(loaded.weights.map((w) => w.shape)).toEqual(model.weights.map((w) => w.shape));
    tf.dispose([train.x, train.y]);
    model.dispose();
    loaded.dispose();
  });

  it('valLoss without validation data fails before the first step', async () => {
    const train = noisyLine(16, 5);
    const model = regressor();
    const ckpt = new ModelCheckpoint({ filepath: join(root, 'never'), handler: directoryHandler });
    const trainer = new Trainer({
      model,
      optimizer: tf.train.sgd(0.1),
      loss: 'meanSquaredError',
      seed: 1,
    });
    const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
    await expect(trainer.fit(train, { epochs: 3, callbacks: [ckpt] })).rejects.toThrow(
      MissingMonitorError,
    );
    expect(trainer.history?.epochs ?? []).toHaveLength(0);
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(weights);
    tf.dispose([train.x, train.y]);
    model.dispose();
  });
});

describe('loadCheckpointWeights', () => {
  it('by order checks shapes; by name needs the same names', async () => {
    const dir = join(root, 'shapes');
    const m = regressor();
    await m.save(directoryHandler(dir));
    const other = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [4] })] });
    await expect(loadCheckpointWeights(other, directoryHandler(dir))).rejects.toThrow(
      /holds 4 weights of shapes \[4, 64\] \[64\] \[64, 1\] \[1\] but the model has 2/,
    );
    await expect(
      loadCheckpointWeights(regressor(), directoryHandler(dir), { match: 'name' }),
    ).rejects.toThrow(/no target variable/);
    const before = tf.memory().numTensors;
    await loadCheckpointWeights(m, directoryHandler(dir), { match: 'name' });
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
    other.dispose();
  });
});
