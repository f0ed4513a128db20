import { InvalidArgumentError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { testBackend } from '../../../../test/backend.js';
import { deadFraction, nonFiniteCount, sparsity } from './activity.js';

const read = async (s: tf.Scalar) => {
  const v = (await s.data())[0]!;
  s.dispose();
  return v;
};

describe(`sparsity / deadFraction / nonFiniteCount [${testBackend}]`, () => {
  it('sparsity counts |w| < eps', async () => {
    const w = tf.tensor2d([
      [0, 1e-4, -5e-4],
      [0.01, -2, Number.NaN],
    ]);
    expect(await read(sparsity(w))).toBe(0.5);
    expect(await read(sparsity(w, 0.1))).toBeCloseTo(4 / 6, 6);
    expect(await read(sparsity(w, 1e-5))).toBeCloseTo(1 / 6, 6);
    expect(() => sparsity(w, 0)).toThrow(/eps must be a number > 0, got 0/);
    w.dispose();
  });

  it('deadFraction: units <= 0 for every sample', async () => {
    // unit 0 alive (2 > 0), unit 1 dead (all < 0), unit 2 alive (0.5 > 0), unit 3 dead (all 0)
    const a = tf.tensor2d([
      [1, -1, 0, 0],
      [2, -3, 0.5, 0],
    ]);
    expect(await read(deadFraction(a))).toBe(0.5);
    const conv = tf.reshape(a, [2, 1, 2, 2]);
    expect(await read(deadFraction(conv))).toBe(0.5);
    expect(await read(deadFraction(tf.relu(tf.tensor2d([[-1, 1]]))))).toBe(0.5);
    expect(() => deadFraction(tf.tensor1d([1, 2]))).toThrow(
      /activations\.shape must be a non-empty \[N, \.\.\.units\] batch/,
    );
    tf.dispose([a, conv]);
  });

  it('nonFiniteCount counts NaN and ±Infinity over a list', async () => {
    const x = tf.tensor2d([
      [1, Number.NaN],
      [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
    ]);
    const i = tf.tensor1d([1, 2], 'int32');
    const count = nonFiniteCount([x, i, tf.ones([3])]);
    expect(count.dtype).toBe('int32');
    expect(await read(count)).toBe(3);
    expect(await read(nonFiniteCount(x))).toBe(3);
    expect(await read(nonFiniteCount(i))).toBe(0);
    expect(() => nonFiniteCount([])).toThrow(InvalidArgumentError);
    tf.dispose([x, i]);
  });

  it('leak nothing', async () => {
    const x = tf.randomNormal([8, 16], 0, 1, 'float32', 3);
    await read(sparsity(x)); // warm-up allocations
    const before = tf.memory().numTensors;
    for (let k = 0; k < 3; k++) {
      await read(sparsity(x));
      await read(deadFraction(x));
      await read(nonFiniteCount([x, x]));
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
