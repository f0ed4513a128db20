import type { Parameter } from '@overfit/core';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { Trainer } from './index.js';
import { blobs, mlp } from './test-helpers.js';

const disposables: tf.TensorContainer[] = [];
afterEach(() => {
  tf.dispose(disposables.splice(0));
});

const l2 = {
  name: 'l2',
  penalty: (ps: readonly Parameter[]) =>
    tf.mul(1e-3, tf.addN(ps.map((p) => tf.sum(tf.square(p.variable))))) as tf.Scalar,
};
const clip = { name: 'clip', project: (v: tf.Tensor) => tf.clipByValue(v, -1, 1) };

describe('no tensor leaks', () => {
  it('the tensor count is the same after epoch 1 and epoch 3, and after a repeated fit', async () => {
    const data = blobs(10, 3, 1);
    disposables.push(data);
    const model = mlp([2, 6, 3], 1);
    const counts: number[] = [];
    const trainer = new Trainer({
      model,
      optimizer: tf.train.adam(0.01),
      penalties: [l2],
      constraints: [clip],
      seed: 1,
      lossHook: ({ yPred }) => tf.mul(1e-4, tf.mean(tf.square(yPred))) as tf.Scalar,
      callbacks: [{ onEpochEnd: () => void counts.push(tf.memory().numTensors) }],
    });
    const options = { epochs: 3, batchSize: 7, validationData: data, logEvery: 2 };
    await trainer.fit(data, options);
    const afterFirst = tf.memory().numTensors;
    await trainer.fit(data, options);
    expect(counts[0]).toBe(counts[2]);
    expect(counts.slice(3)).toEqual(counts.slice(0, 3));
    expect(tf.memory().numTensors).toBe(afterFirst);
    model.dispose();
  });

  it('fit with a slot-free optimizer leaves the count where it was', async () => {
    const data = blobs(6, 3, 2);
    disposables.push(data);
    const model = mlp([2, 4, 3], 2);
    const trainer = new Trainer({ model, optimizer: tf.train.sgd(0.1), seed: 1 });
    const before = tf.memory().numTensors;
    await trainer.fit(data, { epochs: 2, batchSize: 5, validationData: data });
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('evaluate and predict leave nothing behind; a rejected fit leaves nothing behind', async () => {
    const data = blobs(6, 3, 3);
    const bad = tf.tensor1d(new Array(18).fill(7), 'int32');
    disposables.push(data, bad);
    const model = mlp([2, 4, 3], 3);
    const trainer = new Trainer({ model, optimizer: tf.train.sgd(0.1), seed: 1 });
    const before = tf.memory().numTensors;
    await trainer.evaluate(data, { batchSize: 4 });
    tf.dispose(trainer.predict(data.x, { batchSize: 4 }));
    await expect(trainer.fit({ x: data.x, y: bad }, { epochs: 1 })).rejects.toThrow(
      /class ids in \[0, 2\]/,
    );
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('a penalty, loss hook or loss that throws inside the gradient tape leaves nothing behind', async () => {
    // tfjs keeps the tensors its tape saved for the backward pass until a backward pass runs;
    // a throw in the forward closure used to strand them (11 per failed step on this MLP).
    const data = blobs(10, 3, 4);
    disposables.push(data);
    const boom = () => {
      throw new Error('boom');
    };
    const failing: Partial<ConstructorParameters<typeof Trainer>[0]>[] = [
      { penalties: [{ name: 'bad', penalty: boom }] },
      { lossHook: boom },
      { loss: boom },
    ];
    for (const args of failing) {
      const model = mlp([2, 6, 3], 4);
      const optimizer = tf.train.adam(0.01);
      // Slots made first, so a leak is not confused with state the optimizer keeps.
      await new Trainer({ model, optimizer, seed: 1 }).fit(data, { epochs: 1, batchSize: 10 });
      const trainer = new Trainer({ model, optimizer, seed: 1, numClasses: 3, ...args });
      const before = tf.memory().numTensors;
      await expect(trainer.fit(data, { epochs: 2, batchSize: 7 })).rejects.toThrow('boom');
      expect(tf.memory().numTensors).toBe(before);
      optimizer.dispose();
      model.dispose();
    }
  });
});
