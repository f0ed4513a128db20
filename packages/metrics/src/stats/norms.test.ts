import { InvalidArgumentError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { testBackend, tolerance } from '../../../../test/backend.js';
import { globalNorm, l2Norms } from './norms.js';

function rel(a: number, b: number, tol: number): void {
  expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThanOrEqual(tol * Math.abs(b));
}

describe(`l2Norms / globalNorm [${testBackend}]`, () => {
  it('match closed forms', async () => {
    const xs = [
      tf.tensor1d([3, 4]),
      tf.tensor2d([
        [1, 2],
        [2, 4],
      ]),
      tf.zeros([3]),
      tf.tensor1d([3, 4], 'int32'),
    ];
    const norms = l2Norms(xs);
    expect(norms.shape).toEqual([4]);
    expect(norms.dtype).toBe('float32');
    Array.from(await norms.data()).forEach((v, i) => {
      if (i === 2) expect(v).toBe(0);
      else rel(v, 5, tolerance);
    });
    const g = globalNorm(xs);
    expect(g.shape).toEqual([]);
    rel((await g.data())[0]!, Math.sqrt(75), tolerance);
    tf.dispose([...xs, norms, g]);
  });

  it('match a float64 host reference on random tensors', async () => {
    const xs = [
      tf.randomNormal([64, 32], 0, 0.1, 'float32', 1),
      tf.randomUniform([32], -3, 3, 'float32', 2),
    ];
    const ref = await Promise.all(
      xs.map(async (x) => Math.sqrt(Array.from(await x.data()).reduce((a, v) => a + v * v, 0))),
    );
    const norms = l2Norms(xs);
    Array.from(await norms.data()).forEach((v, i) => {
      rel(v, ref[i]!, tolerance);
    });
    const g = globalNorm(xs);
    rel((await g.data())[0]!, Math.hypot(...ref), tolerance);
    tf.dispose([...xs, norms, g]);
  });

  it('give 0 for an empty tensor on every backend (numpy.linalg.norm of an empty array)', async () => {
    const xs = [tf.zeros([0, 3]), tf.tensor1d([3, 4]), tf.zeros([0], 'int32')];
    const norms = l2Norms(xs);
    const values = Array.from(await norms.data());
    expect([values[0], values[2]]).toEqual([0, 0]);
    rel(values[1]!, 5, tolerance);
    const g = globalNorm(xs);
    rel((await g.data())[0]!, 5, tolerance);
    const empty = globalNorm([xs[0]!]);
    expect((await empty.data())[0]).toBe(0);
    tf.dispose([...xs, norms, g, empty]);
  });

  it('stay finite where squares overflow or underflow float32', async () => {
    const huge = tf.tensor1d([1e30, -1e30]);
    const tiny = tf.tensor1d([1e-30, 1e-30]);
    const norms = l2Norms([huge, tiny]);
    const [h, t] = Array.from(await norms.data());
    rel(h!, Math.SQRT2 * 1e30, tolerance);
    rel(t!, Math.SQRT2 * 1e-30, tolerance);
    const g = globalNorm([huge, huge]);
    rel((await g.data())[0]!, 2e30, tolerance);
    tf.dispose([huge, tiny, norms, g]);
  });

  it('give a non-finite norm for non-finite input', async () => {
    const x = tf.tensor1d([1, Number.NaN]);
    const y = tf.tensor1d([1, Number.POSITIVE_INFINITY]);
    const norms = l2Norms([x, y]);
    expect(Array.from(await norms.data()).every((v) => !Number.isFinite(v))).toBe(true);
    tf.dispose([x, y, norms]);
  });

  it('leak nothing and reject bad input', async () => {
    const xs = [tf.ones([4, 4]), tf.ones([4])];
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.dispose([l2Norms(xs), globalNorm(xs)]);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => l2Norms([])).toThrow(/tensors must be a non-empty array of tensors/);
    expect(() => globalNorm([xs[0]!, 3 as never])).toThrow(/tensors\[1\] must be a tensor/);
    expect(() => l2Norms(xs[0] as never)).toThrow(InvalidArgumentError);
    tf.dispose(xs);
  });
});
