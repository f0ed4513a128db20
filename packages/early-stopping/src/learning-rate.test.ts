import { InvalidArgumentError, OverfitError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { tolerance } from '../../../test/backend.js';
import { getLearningRate, setLearningRate } from './learning-rate.js';

const makers: Record<string, (lr: number) => tf.Optimizer> = {
  sgd: (lr) => tf.train.sgd(lr),
  momentum: (lr) => tf.train.momentum(lr, 0.9),
  adam: (lr) => tf.train.adam(lr),
  adamax: (lr) => tf.train.adamax(lr),
  adagrad: (lr) => tf.train.adagrad(lr),
  adadelta: (lr) => tf.train.adadelta(lr),
  rmsprop: (lr) => tf.train.rmsprop(lr),
};

let counter = 0;
/** Two optimizer steps on w0 with fixed gradients; returns w after them. */
function twoSteps(optimizer: tf.Optimizer, w0: number[], grads: number[][]): Float32Array {
  const name = `lr_test_w${counter++}`;
  const initial = tf.tensor1d(w0);
  const w = tf.variable(initial, true, name);
  initial.dispose();
  for (const g of grads) {
    const grad = tf.tensor1d(g);
    optimizer.applyGradients({ [name]: grad });
    grad.dispose();
  }
  const out = w.dataSync() as Float32Array;
  w.dispose();
  optimizer.dispose();
  return out;
}

const w0 = [0.5, -1, 2];
const grads = [
  [0.3, -0.2, 1.5],
  [-0.1, 0.4, 0.7],
];

describe('getLearningRate / setLearningRate on the tfjs-core optimizers', () => {
  for (const [name, make] of Object.entries(makers)) {
    it(`${name}: reads the rate, and the steps after a change use the new rate`, () => {
      const before = tf.memory().numTensors;
      const changed = make(0.1);
      expect(getLearningRate(changed)).toBe(0.1);
      setLearningRate(changed, 0.025);
      expect(getLearningRate(changed)).toBe(0.025);
      const viaSet = twoSteps(changed, w0, grads);
      // reference: an optimizer built with the new rate from the start
      const fresh = twoSteps(make(0.025), w0, grads);
      const stale = twoSteps(make(0.1), w0, grads);
      expect(Array.from(viaSet)).toEqual(Array.from(fresh));
      expect(Array.from(viaSet)).not.toEqual(Array.from(stale));
      // tfjs-core 4.22's MomentumOptimizer.dispose() never disposes its `-lr` scalar (it skips
      // SGDOptimizer.dispose): one tensor per momentum optimizer built here, none from us.
      const tfjsLeak = name === 'momentum' ? 3 : 0;
      expect(tf.memory().numTensors).toBe(before + tfjsLeak);
    });
  }

  it('sgd after a change follows w - lr * g (closed form)', () => {
    const sgd = tf.train.sgd(1);
    setLearningRate(sgd, 0.5);
    const w = twoSteps(sgd, w0, grads);
    const expected = w0.map((v, i) => v - 0.5 * grads[0]![i]! - 0.5 * grads[1]![i]!);
    for (let i = 0; i < w0.length; i++) expect(w[i]).toBeCloseTo(expected[i]!, 6);
  });

  it('adam after a change makes a first step of lr * g / (|g| + eps) (closed form)', () => {
    const adam = tf.train.adam(1);
    setLearningRate(adam, 0.01);
    const w = twoSteps(adam, w0, [grads[0]!]);
    for (let i = 0; i < w0.length; i++) {
      const g = grads[0]![i]!;
      const expected = w0[i]! - (0.01 * g) / (Math.abs(g) + 1e-7);
      expect(Math.abs(w[i]! - expected)).toBeLessThanOrEqual(tolerance * Math.abs(expected) + 1e-7);
    }
  });

  it('rejects an optimizer without a learning rate, and a bad rate', () => {
    expect(() => getLearningRate({})).toThrow(OverfitError);
    expect(() => getLearningRate(undefined)).toThrow(/no numeric 'learningRate'/);
    expect(() => setLearningRate({ learningRate: 'fast' }, 0.1)).toThrow(OverfitError);
    const sgd = tf.train.sgd(0.1);
    expect(() => setLearningRate(sgd, -1)).toThrow(InvalidArgumentError);
    expect(() => setLearningRate(sgd, Number.NaN)).toThrow(InvalidArgumentError);
    expect(getLearningRate(sgd)).toBe(0.1);
    sgd.dispose();
  });
});
