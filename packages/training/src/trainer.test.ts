import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { Trainer } from './index.js';
import { blobs, maxAbsDiff, mlp, weightValues, xor } from './test-helpers.js';

const disposables: tf.TensorContainer[] = [];
afterEach(() => {
  tf.dispose(disposables.splice(0));
});

describe('Trainer.fit learns', () => {
  it('separates three Gaussian blobs (loss falls, accuracy 1)', async () => {
    const data = blobs(30, 3, 1);
    disposables.push(data);
    const model = mlp([2, 8, 3], 1);
    const trainer = new Trainer({ model, optimizer: tf.train.adam(0.05), seed: 1 });
    const h = await trainer.fit(data, { epochs: 6, batchSize: 16, validationData: data });
    const loss = h.history.loss!;
    expect(loss[loss.length - 1]).toBeLessThan(loss[0]! / 10);
    expect(h.history.valAccuracy!.at(-1)).toBe(1);
    expect(h.history.valMacroF1!.at(-1)).toBe(1);
    expect(h.epochs).toHaveLength(6);
    expect(h.stopReason).toBeUndefined();
    model.dispose();
  });

  it('learns XOR with a hidden layer (not linearly separable)', async () => {
    const data = xor(16, 2);
    disposables.push(data);
    const model = mlp([2, 16, 2], 3);
    const trainer = new Trainer({ model, optimizer: tf.train.adam(0.05), seed: 2 });
    const h = await trainer.fit(data, { epochs: 40, batchSize: 16 });
    expect(h.history.accuracy!.at(-1)).toBe(1);
    const { accuracy } = await trainer.evaluate(data);
    expect(accuracy).toBe(1);
    model.dispose();
  });

  it('fits a linear regression with meanSquaredError (no class metrics)', async () => {
    const x = tf.linspace(-1, 1, 32).reshape([32, 1]);
    const y = tf.tidy(() => tf.add(tf.mul(x, 2), 1));
    disposables.push(x, y);
    const model = tf.sequential({
      layers: [tf.layers.dense({ units: 1, inputShape: [1], kernelInitializer: 'zeros' })],
    });
    const trainer = new Trainer({
      model,
      optimizer: tf.train.sgd(0.3),
      loss: 'meanSquaredError',
      seed: 1,
    });
    const h = await trainer.fit({ x, y }, { epochs: 60, batchSize: 8, validationData: { x, y } });
    expect(h.history.loss!.at(-1)).toBeLessThan(1e-4);
    expect(h.history.valAccuracy).toBeUndefined();
    expect(Object.keys(h.history).sort()).toEqual(['loss', 'valLoss']);
    const [w, b] = model.getWeights().map((t) => t.dataSync()[0]!);
    expect(w).toBeCloseTo(2, 2);
    expect(b).toBeCloseTo(1, 2);
    model.dispose();
  });
});

describe('Trainer.fit determinism', () => {
  async function run(seed: number, shuffle = true) {
    const data = blobs(20, 3, 5);
    const model = mlp([2, 6, 3], 11);
    const trainer = new Trainer({ model, optimizer: tf.train.adam(0.02), seed });
    const h = await trainer.fit(data, { epochs: 3, batchSize: 7, shuffle });
    const weights = weightValues(model);
    tf.dispose(data);
    model.dispose();
    return { loss: h.history.loss!, weights };
  }

  it('same seed: identical loss history and weights', async () => {
    const a = await run(42);
    const b = await run(42);
    expect(a.loss).toEqual(b.loss);
    expect(maxAbsDiff(a.weights, b.weights)).toBe(0);
  });

  it('another seed shuffles differently', async () => {
    const a = await run(42);
    const c = await run(43);
    expect(a.loss).not.toEqual(c.loss);
  });

  it('a run resumed with initialEpoch equals an unbroken run', async () => {
    const data = blobs(20, 3, 6);
    disposables.push(data);
    const histories: number[][] = [];
    const weights: Float32Array[][] = [];
    for (const split of [false, true]) {
      const model = mlp([2, 6, 3], 12);
      const trainer = new Trainer({ model, optimizer: tf.train.adam(0.02), seed: 9 });
      let loss: number[];
      if (split) {
        const first = await trainer.fit(data, { epochs: 2, batchSize: 8 });
        const second = await trainer.fit(data, { epochs: 4, batchSize: 8, initialEpoch: 2 });
        expect(second.epochs.map((e) => e.epoch)).toEqual([2, 3]);
        loss = [...first.history.loss!, ...second.history.loss!];
      } else {
        loss = (await trainer.fit(data, { epochs: 4, batchSize: 8 })).history.loss!;
      }
      histories.push(loss);
      weights.push(weightValues(model));
      model.dispose();
    }
    expect(histories[1]).toEqual(histories[0]);
    expect(maxAbsDiff(weights[0]!, weights[1]!)).toBe(0);
  });

  it('class ids and one-hot targets train identically', async () => {
    const data = blobs(12, 3, 7);
    const oneHot = tf.oneHot(data.y, 3).toFloat();
    disposables.push(data, oneHot);
    const results = [];
    for (const y of [data.y, oneHot]) {
      const model = mlp([2, 5, 3], 13);
      const trainer = new Trainer({ model, optimizer: tf.train.sgd(0.1), seed: 3 });
      const h = await trainer.fit({ x: data.x, y }, { epochs: 2, batchSize: 5 });
      results.push({ loss: h.history.loss!, weights: weightValues(model) });
      model.dispose();
    }
    expect(results[1]!.loss).toEqual(results[0]!.loss);
    expect(maxAbsDiff(results[0]!.weights, results[1]!.weights)).toBe(0);
  });
});

describe('History', () => {
  it('is plain JSON with per-epoch timing and sample counts', async () => {
    const data = blobs(10, 3, 8);
    disposables.push(data);
    const model = mlp([2, 4, 3], 14);
    const trainer = new Trainer({ model, optimizer: tf.train.sgd(0.1), seed: 1 });
    const h = await trainer.fit(data, { epochs: 2, batchSize: 8 });
    expect(JSON.parse(JSON.stringify(h))).toEqual(h);
    for (const e of h.epochs) {
      expect(e.samples).toBe(30);
      expect(e.steps).toBe(4);
      expect(e.durationMs).toBeGreaterThan(0);
      expect(e.samplesPerSecond).toBeGreaterThan(0);
    }
    expect(h.history.loss).toEqual(h.epochs.map((e) => e.loss));
    expect(trainer.history).toEqual(h);
    model.dispose();
  });
});
