import { NonFiniteError, type Parameter } from '@overfit/core';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { Trainer } from './index.js';
import { blobs, maxAbsDiff, mlp, weightValues } from './test-helpers.js';

const disposables: tf.TensorContainer[] = [];
afterEach(() => {
  tf.dispose(disposables.splice(0));
});

async function rejection(p: Promise<unknown>): Promise<NonFiniteError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(NonFiniteError);
    return e as NonFiniteError;
  }
  throw new Error('fit resolved; a NonFiniteError was expected');
}

describe('non-finite values', () => {
  it('a NaN loss is reported at its step; weights and Adam state roll back to the window start', async () => {
    const data = blobs(8, 3, 1); // 24 samples, batch 3: 8 steps per epoch
    disposables.push(data);
    const model = mlp([2, 4, 3], 1);
    const optimizer = tf.train.adam(0.01);
    const snapshots: Float32Array[][] = [];
    const lossHook = ({ step }: { step: number }) =>
      step === 5 ? tf.scalar(Number.NaN) : undefined;
    const trainer = new Trainer({
      model,
      optimizer,
      lossHook,
      seed: 1,
      callbacks: [{ onBatchEnd: () => void snapshots.push(weightValues(model)) }],
    });
    // Warm-up fit first, so Adam's slots exist before we count tensors.
    const warm = new Trainer({ model, optimizer, seed: 1 });
    await warm.fit(data, { epochs: 1, batchSize: 24 });
    const tensors = tf.memory().numTensors;
    const error = await rejection(trainer.fit(data, { epochs: 2, batchSize: 3, logEvery: 2 }));
    expect(error.step).toBe(5);
    expect(error.what).toBe('loss');
    expect(error.message).toMatch(/restored to their values before step 4/);
    // Windows are steps [0,1], [2,3], [4,5]: the model is as it was after step 3. Step 4's
    // onBatchEnd did run (its window was not read yet); step 5's did not.
    expect(snapshots).toHaveLength(5);
    expect(maxAbsDiff(weightValues(model), snapshots[3]!)).toBe(0);
    expect(optimizer.iterations).toBe(1 + 4);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(trainer.history?.epochs).toEqual([]);
    // The trainer is usable again, and training from the restored state is finite.
    const h = await warm.fit(data, { epochs: 1, batchSize: 3 });
    expect(Number.isFinite(h.epochs[0]!.loss)).toBe(true);
    expect(tf.memory().numTensors).toBe(tensors);
    model.dispose();
  });

  it('an exploding learning rate is caught and the epoch is undone (SGD)', async () => {
    const data = blobs(8, 3, 2);
    disposables.push(data);
    const model = mlp([2, 4, 3], 2);
    const before = weightValues(model);
    const trainer = new Trainer({ model, optimizer: tf.train.sgd(1e30), seed: 1 });
    const error = await rejection(trainer.fit(data, { epochs: 3, batchSize: 4 }));
    expect(error.step).toBeGreaterThan(0);
    expect(error.step).toBeLessThan(6);
    expect(maxAbsDiff(weightValues(model), before)).toBe(0);
    model.dispose();
  });

  it('non-finite gradients with a finite loss are reported as gradients', async () => {
    const data = blobs(4, 3, 3);
    disposables.push(data);
    const model = mlp([2, 4, 3], 3);
    // sqrt(|w - w|) is 0, but its gradient at 0 is infinite times 0: NaN.
    const term = {
      name: 'nanGrad',
      penalty: (ps: readonly Parameter[]) =>
        tf.sum(tf.sqrt(tf.abs(tf.sub(ps[0]!.variable, ps[0]!.variable)))) as tf.Scalar,
    };
    const trainer = new Trainer({
      model,
      optimizer: tf.train.sgd(0.1),
      penalties: [term],
      seed: 1,
    });
    const error = await rejection(trainer.fit(data, { epochs: 1, batchSize: 12 }));
    expect(error.what).toBe('gradients');
    expect(error.step).toBe(0);
    model.dispose();
  });

  it('a bad first window of a fresh Adam leaves Adam fresh (slots created in it are freed)', async () => {
    const data = blobs(4, 3, 4);
    disposables.push(data);
    const model = mlp([2, 4, 3], 4);
    const optimizer = tf.train.adam(0.01);
    const before = weightValues(model);
    const tensors = tf.memory().numTensors;
    const lossHook = ({ step }: { step: number }) =>
      step === 1 ? tf.scalar(Number.POSITIVE_INFINITY) : undefined;
    const trainer = new Trainer({ model, optimizer, lossHook, seed: 1 });
    const error = await rejection(trainer.fit(data, { epochs: 1, batchSize: 4 }));
    expect(error.step).toBe(1);
    expect(optimizer.iterations).toBe(0);
    expect(maxAbsDiff(weightValues(model), before)).toBe(0);
    expect(tf.memory().numTensors).toBe(tensors);
    model.dispose();
  });

  it('an optimizer without getWeights is restored weights-only, and says so', async () => {
    const data = blobs(4, 3, 5);
    disposables.push(data);
    const model = mlp([2, 4, 3], 5);
    const optimizer = tf.train.sgd(0.1);
    optimizer.getWeights = async () => {
      throw new Error('getWeights() is not implemented for this optimizer yet.');
    };
    const before = weightValues(model);
    const lossHook = ({ step }: { step: number }) =>
      step === 2 ? tf.scalar(Number.NaN) : undefined;
    const trainer = new Trainer({ model, optimizer, lossHook, seed: 1 });
    const error = await rejection(trainer.fit(data, { epochs: 1, batchSize: 4 }));
    expect(error.message).toMatch(/: weights restored to their values before step 0$/);
    expect(maxAbsDiff(weightValues(model), before)).toBe(0);
    model.dispose();
  });
});
