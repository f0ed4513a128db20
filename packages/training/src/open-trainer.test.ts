// The open Trainer: metric objects in History, validationSplit, callbacks per fit.
import { InvalidArgumentError, type Logs, type StreamingMetric } from '@overfit/core';
import { Accuracy, F1Score, f1Score } from '@overfit/metrics';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { Trainer } from './index.js';
import { blobs, mlp } from './test-helpers.js';

const disposables: tf.TensorContainer[] = [];
afterEach(() => {
  tf.dispose(disposables.splice(0));
});

/** Mean absolute error of the arg-max class (a toy metric with no tensors kept). */
class ArgmaxError implements StreamingMetric {
  readonly name = 'argmaxError';
  private wrong = 0;
  private n = 0;
  update(yTrue: tf.Tensor, yPred: tf.Tensor): void {
    const t = yTrue.rank === 1 ? yTrue.dataSync() : tf.tidy(() => tf.argMax(yTrue, -1)).dataSync();
    const p = tf.tidy(() => tf.argMax(yPred, -1)).dataSync();
    t.forEach((v, i) => {
      this.wrong += v === p[i] ? 0 : 1;
    });
    this.n += t.length;
  }
  compute(): number {
    return this.n === 0 ? 0 : this.wrong / this.n;
  }
  reset(): void {
    this.wrong = 0;
    this.n = 0;
  }
}

describe('Trainer metrics', () => {
  it('logs streaming metrics under val<Name>, equal to the closed form on the validation set', async () => {
    const train = blobs(20, 3, 1);
    const val = blobs(15, 3, 2);
    disposables.push(train, val);
    const model = mlp([2, 6, 3], 1);
    const f1 = new F1Score({ numClasses: 3, average: 'weighted' });
    const err = new ArgmaxError();
    const seen: Logs[] = [];
    const trainer = new Trainer({
      model,
      optimizer: tf.train.adam(0.02),
      seed: 1,
      metrics: [f1, err],
      callbacks: [{ onEpochEnd: (_e, logs) => void seen.push({ ...logs! }) }],
    });
    const h = await trainer.fit(train, { epochs: 3, batchSize: 10, validationData: val });
    expect(h.history.valF1Score).toHaveLength(3);
    expect(h.history.valArgmaxError).toHaveLength(3);
    expect(seen[2]!.valF1Score).toBe(h.history.valF1Score![2]);
    // After the last epoch: recompute from predictions with the function form (sklearn-checked).
    const logits = trainer.predict(val.x);
    const expected = await f1Score(val.y, logits, { numClasses: 3, average: 'weighted' });
    const wrong = tf.tidy(
      () => tf.mean(tf.cast(tf.notEqual(tf.argMax(logits, -1), val.y), 'float32')).dataSync()[0]!,
    );
    logits.dispose();
    expect(h.history.valF1Score!.at(-1)).toBeCloseTo(expected as number, 6);
    expect(h.history.valArgmaxError!.at(-1)).toBeCloseTo(wrong, 6);
    expect(h.history.valArgmaxError!.at(-1)).toBeCloseTo(1 - h.history.valAccuracy!.at(-1)!, 6);
    const e = await trainer.evaluate(val);
    expect(e.metrics).toEqual({
      F1Score: h.history.valF1Score!.at(-1),
      argmaxError: h.history.valArgmaxError!.at(-1),
    });
    f1.dispose();
    model.dispose();
  });

  it('leaks no tensors across epochs and fits', async () => {
    const data = blobs(10, 3, 3);
    disposables.push(data);
    const model = mlp([2, 4, 3], 2);
    const f1 = new F1Score({ numClasses: 3 });
    const trainer = new Trainer({ model, optimizer: tf.train.sgd(0.1), seed: 1, metrics: [f1] });
    await trainer.fit(data, { epochs: 1, batchSize: 8, validationData: data });
    const before = tf.memory().numTensors;
    await trainer.fit(data, { epochs: 2, batchSize: 8, validationData: data });
    expect(tf.memory().numTensors).toBe(before);
    f1.dispose();
    model.dispose();
  });

  it('rejects bad metrics before any work', () => {
    const model = mlp([2, 4, 3], 3);
    const make = (metrics: unknown) =>
      new Trainer({ model, optimizer: tf.train.sgd(0.1), metrics: metrics as StreamingMetric[] });
    expect(() => make([{ update() {} }])).toThrow(/metrics\[0\] must be a streaming metric/);
    expect(() => make([new Accuracy({ numClasses: 3 })])).toThrow(
      /metrics\[0\].name must be a name whose History key 'valAccuracy' is not taken/,
    );
    const anonymous = { update() {}, compute: () => 1, reset() {} };
    expect(() => make([anonymous])).toThrow(InvalidArgumentError);
    expect(() =>
      make([
        { ...anonymous, name: 'a' },
        { ...anonymous, name: 'a' },
      ]),
    ).toThrow(/'valA' is not taken/);
    model.dispose();
  });

  it('a metric that computes an array fails with the fix', async () => {
    const data = blobs(5, 3, 4);
    disposables.push(data);
    const model = mlp([2, 4, 3], 4);
    const perClass = new F1Score({ numClasses: 3, average: 'none' });
    const trainer = new Trainer({
      model,
      optimizer: tf.train.sgd(0.1),
      seed: 1,
      metrics: [perClass],
    });
    await expect(trainer.fit(data, { epochs: 1, validationData: data })).rejects.toThrow(
      /metric 'F1Score' computed an array, not a number/,
    );
    perClass.dispose();
    model.dispose();
  });
});

describe('validationSplit', () => {
  it("holds out the last fraction (Keras' split), same as passing those rows as validationData", async () => {
    const data = blobs(10, 3, 5); // 30 rows, class-ordered: the last 20% are all class 2
    disposables.push(data);
    const split = Math.floor(30 * (1 - 0.2));
    const trainRows = { x: data.x.slice(0, split), y: data.y.slice(0, split) };
    const valRows = { x: data.x.slice(split), y: data.y.slice(split) };
    disposables.push(trainRows, valRows);
    const results = [];
    for (const useSplit of [true, false]) {
      const model = mlp([2, 5, 3], 6);
      const trainer = new Trainer({ model, optimizer: tf.train.sgd(0.1), seed: 2 });
      const h = useSplit
        ? await trainer.fit(data, { epochs: 2, batchSize: 8, validationSplit: 0.2 })
        : await trainer.fit(trainRows, { epochs: 2, batchSize: 8, validationData: valRows });
      results.push(h.history);
      expect(h.epochs[0]!.samples).toBe(24);
      model.dispose();
    }
    expect(results[0]).toEqual(results[1]);
  });

  it('leaks nothing, and rejects bad fractions and both sources at once', async () => {
    const data = blobs(4, 3, 6);
    disposables.push(data);
    const model = mlp([2, 4, 3], 7);
    const trainer = new Trainer({ model, optimizer: tf.train.sgd(0.1), seed: 1 });
    await trainer.fit(data, { epochs: 1, validationSplit: 0.25 });
    const before = tf.memory().numTensors;
    await trainer.fit(data, { epochs: 1, validationSplit: 0.25 });
    expect(tf.memory().numTensors).toBe(before);
    await expect(trainer.fit(data, { epochs: 1, validationSplit: 1 })).rejects.toThrow(
      /options.validationSplit must be a number in \(0, 1\)/,
    );
    await expect(trainer.fit(data, { epochs: 1, validationSplit: -0.1 })).rejects.toThrow(
      /options.validationSplit must be a number in \(0, 1\)/,
    );
    // 0 is Keras' default: no validation data, also beside validationData.
    const none = await trainer.fit(data, { epochs: 1, validationSplit: 0 });
    expect(none.history.valLoss).toBeUndefined();
    expect(none.epochs[0]!.samples).toBe(12);
    const given = await trainer.fit(data, { epochs: 1, validationSplit: 0, validationData: data });
    expect(given.history.valLoss).toHaveLength(1);
    await expect(trainer.fit(data, { epochs: 1, validationSplit: 0.95 })).rejects.toThrow(
      /leaves at least one training and one validation sample of 12/,
    );
    await expect(
      trainer.fit(data, { epochs: 1, validationSplit: 0.5, validationData: data }),
    ).rejects.toThrow(/one source of validation data/);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe('callbacks per fit', () => {
  it("run after the Trainer's own, for that call only", async () => {
    const data = blobs(4, 3, 7);
    disposables.push(data);
    const model = mlp([2, 4, 3], 8);
    const calls: string[] = [];
    const trainer = new Trainer({
      model,
      optimizer: tf.train.sgd(0.1),
      seed: 1,
      callbacks: [{ onEpochEnd: (e) => void calls.push(`trainer ${e}`) }],
    });
    await trainer.fit(data, {
      epochs: 1,
      callbacks: [{ onEpochEnd: (e) => void calls.push(`fit ${e}`) }],
    });
    await trainer.fit(data, { epochs: 1 });
    expect(calls).toEqual(['trainer 0', 'fit 0', 'trainer 0']);
    await expect(trainer.fit(data, { epochs: 1, callbacks: 3 as never })).rejects.toThrow(
      /options.callbacks must be an array/,
    );
    model.dispose();
  });
});
