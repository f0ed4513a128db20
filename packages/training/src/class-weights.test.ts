// The Trainer's classWeight against PyTorch's CrossEntropyLoss(weight=w)
// (fixtures/make_class_weights.py): epoch loss, gradient, label smoothing, uneven batches.
import type { Parameter } from '@overfit/core';
import { labelSmoothingLoss } from '@overfit/regularizers';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/class_weights.json' with { type: 'json' };
import { classWeightedLoss } from './class-weights.js';
import { Trainer, type TrainerArgs } from './index.js';
import { softmaxCrossEntropyPerSample } from './losses.js';

const K = 3;
const N = fixture.labels.length;
const tol = tf.getBackend() === 'cpu' ? 1e-5 : 1e-3;
const expectClose = (got: number, want: number) =>
  expect(Math.abs(got - want)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want)));

/** logits = x @ W with W = I (no bias): the model outputs the fixture's logits exactly. */
function identityModel(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({
        units: K,
        inputShape: [K],
        useBias: false,
        kernelInitializer: tf.initializers.identity({}),
      }),
    ],
  });
}

async function epochLoss(
  args: Partial<TrainerArgs>,
  batchSize: number,
  lr = 0,
): Promise<{ loss: number; kernel: number[]; trainer: Trainer }> {
  const model = identityModel();
  const x = tf.tensor2d(fixture.logits);
  const y = tf.tensor1d(fixture.labels, 'int32');
  const trainer = new Trainer({ model, optimizer: tf.train.sgd(lr), seed: 1, ...args });
  const history = await trainer.fit({ x, y }, { epochs: 1, batchSize, shuffle: false });
  const kernel = Array.from(model.getWeights()[0]!.dataSync());
  tf.dispose([x, y]);
  model.dispose();
  return { loss: history.history.loss![0]!, kernel, trainer };
}

describe('classWeight in the Trainer (PyTorch CrossEntropyLoss(weight=w))', () => {
  it('the epoch loss is sum w_y l / sum w_y over all samples, for uneven batches too', async () => {
    for (const batchSize of [N, 4, 3]) {
      const { loss } = await epochLoss({ classWeight: fixture.weights }, batchSize);
      expectClose(loss, fixture.weighted);
    }
    // Not the mean of the per-batch weighted losses (what batch-size weighting would give).
    expect(Math.abs(fixture.naiveBatchMean - fixture.weighted)).toBeGreaterThan(0.1);
  });

  it('the gradient of one full-batch step matches torch (W <- I - grad)', async () => {
    const { kernel } = await epochLoss({ classWeight: fixture.weights }, N, 1);
    const want = fixture.gradKernel.flatMap((row, i) => row.map((g, j) => (i === j ? 1 : 0) - g));
    for (const [i, v] of kernel.entries()) expectClose(v, want[i]!);
  });

  it('a record gives weights by class id (ids left out weigh 1)', async () => {
    const { loss } = await epochLoss({ classWeight: { 2: 3 } }, 4);
    expectClose(loss, fixture.record);
  });

  it('with label smoothing (per-sample loss): sum w_y l_smooth / sum w_y', async () => {
    const loss = labelSmoothingLoss(fixture.labelSmoothing, { reduction: 'none' });
    const got = await epochLoss({ classWeight: fixture.weights, loss, numClasses: K }, 4);
    expectClose(got.loss, fixture.smoothed);
  });

  it('penalties are not weighted', async () => {
    const l2 = {
      name: 'l2',
      penalty: (params: readonly Parameter[]) =>
        tf.mul(0.01, tf.addN(params.map((p) => tf.sum(tf.square(p.variable))))) as tf.Scalar,
    };
    const { loss } = await epochLoss({ classWeight: fixture.weights, penalties: [l2] }, 4);
    expectClose(loss, fixture.weighted + 0.01 * K); // ||I||^2 = K
  });

  it('a zero-weight batch gives loss 0 and zero gradients, not NaN', () => {
    const w = tf.tensor1d([0, 1, 1]);
    const y = tf.oneHot(tf.tensor1d([0, 0], 'int32'), K);
    const z = tf.variable(
      tf.tensor2d([
        [1, 2, 3],
        [0, 0, 1],
      ]),
    );
    const { value, grads } = tf.variableGrads(
      () => classWeightedLoss(softmaxCrossEntropyPerSample, w, y, z).loss,
      [z],
    );
    expect(value.dataSync()[0]).toBe(0);
    expect(Array.from(grads[z.name]!.dataSync()).every((g) => g === 0)).toBe(true);
    tf.dispose([w, y, z, value, grads[z.name]!]);
  });

  it('leaks no tensors across fits', async () => {
    const model = identityModel();
    const x = tf.tensor2d(fixture.logits);
    const y = tf.tensor1d(fixture.labels, 'int32');
    const trainer = new Trainer({
      model,
      optimizer: tf.train.sgd(0.1),
      classWeight: fixture.weights,
      seed: 1,
    });
    await trainer.fit({ x, y }, { epochs: 1, batchSize: 4 });
    const before = tf.memory().numTensors;
    await trainer.fit({ x, y }, { epochs: 2, batchSize: 4, logEvery: 1 });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    model.dispose();
  });
});

describe('classWeight validation (before any work)', () => {
  const model = identityModel();
  const make =
    (classWeight: unknown, extra: Partial<TrainerArgs> = {}) =>
    () =>
      new Trainer({
        model,
        optimizer: tf.train.sgd(0.1),
        classWeight: classWeight as number[],
        ...extra,
      });

  it('names the argument, the value and what is allowed', () => {
    expect(make([1, 2])).toThrow(/classWeight.length must be numClasses \(3\)/);
    expect(make([1, -1, 2])).toThrow(/classWeight\[1\] must be a finite number >= 0, got -1/);
    expect(make([1, Number.NaN, 2])).toThrow(/classWeight\[1\]/);
    expect(make([0, 0, 0])).toThrow(/not all 0/);
    expect(make({ 3: 1 })).toThrow(/class ids in \[0, 2\]/);
    expect(make({ 1: Number.POSITIVE_INFINITY })).toThrow(/classWeight\[1\]/);
    expect(make('heavy')).toThrow(/classWeight/);
    expect(make([1, 1, 1], { loss: 'meanSquaredError' })).toThrow(/left out for regression/);
    // A loss that returns only the batch mean cannot be weighted per sample.
    expect(make([1, 1, 2], { loss: labelSmoothingLoss(0.1), numClasses: K })).toThrow(
      /loss must be per-sample losses \[B\] when classWeight is set/,
    );
  });
});
