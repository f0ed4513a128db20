import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { testBackend, tolerance } from '../../../../test/backend.js';
import { Trainer } from '../index.js';
import { blobs, mlp } from '../test-helpers.js';

const disposables: tf.TensorContainer[] = [];
afterEach(() => {
  tf.dispose(disposables.splice(0));
});

/** The raw gradient of one full-batch step, computed independently with tf.variableGrads. */
function rawGradients(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor1D): Float32Array[] {
  return tf.tidy(() => {
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { grads } = tf.variableGrads(
      () =>
        tf.losses.softmaxCrossEntropy(tf.oneHot(y, 3), model.apply(x) as tf.Tensor) as tf.Scalar,
      vars,
    );
    return vars.map((v) => grads[v.name]!.dataSync() as Float32Array);
  });
}

const flat = (model: tf.LayersModel) => model.getWeights().map((w) => w.dataSync() as Float32Array);

function expectClose(a: ArrayLike<number>[], b: ArrayLike<number>[]): void {
  a.forEach((arr, i) => {
    for (let j = 0; j < arr.length; j++) {
      const want = b[i]![j]!;
      expect(Math.abs(arr[j]! - want), `${i}[${j}]`).toBeLessThanOrEqual(
        tolerance * Math.max(Math.abs(want), 1e-3),
      );
    }
  });
}

async function oneStep(clip: { globalNorm?: number; value?: number }) {
  const data = blobs(5, 3, 7);
  disposables.push(data);
  const model = mlp([2, 6, 3], 8);
  const w0 = flat(model).map((a) => Float32Array.from(a));
  const g = rawGradients(model, data.x, data.y);
  const trainer = new Trainer({ model, optimizer: tf.train.sgd(1), seed: 1, clip });
  const h = await trainer.fit(data, { epochs: 1, batchSize: 15, shuffle: false });
  const w1 = flat(model).map((a) => Float32Array.from(a));
  model.dispose();
  return { w0, w1, g, h };
}

describe(`gradient clipping [${testBackend}]`, () => {
  it("by global norm: torch's clip_grad_norm_ scale min(1, c / (norm + 1e-6)); pre-clip norm recorded", async () => {
    const c = 0.05;
    const { w0, w1, g, h } = await oneStep({ globalNorm: c });
    const total = Math.sqrt(g.reduce((s, t) => s + t.reduce((q, v) => q + v * v, 0), 0));
    expect(total).toBeGreaterThan(5 * c); // the clip is active
    const scale = Math.min(1, c / (total + 1e-6));
    // SGD with lr 1: w1 = w0 - scale * g
    expectClose(
      w1,
      w0.map((w, i) => w.map((v, j) => v - scale * g[i]![j]!)),
    );
    const pre = h.epochs[0]!.diagnostics!.preClipGlobalNorm!;
    expect(Math.abs(pre.mean - total)).toBeLessThanOrEqual(tolerance * total);
    expect(pre.max).toBe(pre.mean);
    expect(h.epochs[0]!.gradNorm).toBe(pre.mean);
    // Clip-only runs record no per-step history and no health verdict.
    expect(h.gradientSteps).toBeUndefined();
    expect(h.epochs[0]!.diagnostics!.gradientNorms).toBeUndefined();
  });

  it('by global norm: a threshold above the norm changes nothing', async () => {
    const { w0, w1, g } = await oneStep({ globalNorm: 1e6 });
    expectClose(
      w1,
      w0.map((w, i) => w.map((v, j) => v - g[i]![j]!)),
    );
  });

  it('by value: clip_grad_value_ clamps each element to [-v, v]; after the norm clip when both', async () => {
    const v = 0.01;
    const { w0, w1, g } = await oneStep({ value: v });
    expect(g.some((t) => t.some((x) => Math.abs(x) > v))).toBe(true);
    const clamp = (x: number) => Math.min(v, Math.max(-v, x));
    expectClose(
      w1,
      w0.map((w, i) => w.map((x, j) => x - clamp(g[i]![j]!))),
    );
    const both = await oneStep({ globalNorm: 0.05, value: v });
    const total = Math.sqrt(both.g.reduce((s, t) => s + t.reduce((q, x) => q + x * x, 0), 0));
    const scale = Math.min(1, 0.05 / (total + 1e-6));
    expectClose(
      both.w1,
      both.w0.map((w, i) => w.map((x, j) => x - clamp(scale * both.g[i]![j]!))),
    );
  });

  it('rejects bad clip options before any work', () => {
    const model = mlp([2, 3, 3], 1);
    const optimizer = tf.train.sgd(1);
    const bad: [unknown, RegExp][] = [
      [{}, /clip must be an object with globalNorm and\/or value set/],
      [{ globalNorm: 0 }, /clip\.globalNorm must be a number > 0, got 0/],
      [{ value: -1 }, /clip\.value must be a number > 0, got -1/],
      [{ norm: 1 }, /clip\.norm must be not set/],
      [3, /clip must be an object/],
    ];
    for (const [clip, message] of bad) {
      expect(() => new Trainer({ model, optimizer, clip: clip as never })).toThrow(message);
    }
    model.dispose();
  });
});
