import { InvalidArgumentError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { tolerance } from '../../../test/backend.js';
import {
  categoricalCrossEntropy,
  categoricalCrossEntropyPerSample,
  meanSquaredError,
  resolveLoss,
  softmaxCrossEntropy,
  softmaxMeanSquaredError,
  softmaxMeanSquaredErrorPerSample,
  Trainer,
} from './index.js';
import { blobs } from './test-helpers.js';

const softmaxRow = (z: number[]) => {
  const e = z.map((v) => Math.exp(v - Math.max(...z)));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
};

/** Two rows of logits with a one-hot and a soft (e.g. smoothed) target. */
const logits = [
  [2, 0, -1],
  [0.5, 0.5, 3],
];
const targets = [
  [1, 0, 0],
  [0.1, 0.2, 0.7],
];

describe('losses', () => {
  it('softmaxCrossEntropy equals the closed form from logits (one-hot and soft targets)', () => {
    // -sum_k y_k (z_k - log sum_j exp z_j), averaged over rows, computed on the host.
    const expected =
      logits.reduce((s, z, i) => {
        const lse = Math.log(z.reduce((t, v) => t + Math.exp(v), 0));
        return s - targets[i]!.reduce((t, y, k) => t + y * (z[k]! - lse), 0);
      }, 0) / logits.length;
    const value = tf.tidy(
      () => softmaxCrossEntropy(tf.tensor2d(targets), tf.tensor2d(logits)).dataSync()[0]!,
    );
    expect(Math.abs(value - expected)).toBeLessThanOrEqual(tolerance * expected);
  });

  it("categoricalCrossEntropy is Keras' from_logits=False: rows renormalized, then clipped", () => {
    // Rows that do not sum to 1 (and an exact 0): Keras and tfjs-layers divide by the row sum first.
    const probabilities = [
      [0.2, 0.3, 0.1],
      [0, 0.5, 1.5],
    ];
    const targets = [
      [0, 1, 0],
      [0.2, 0.3, 0.5],
    ];
    // Host closed form: -sum_k y_k log(clip(p_k / sum_j p_j, 1e-7, 1 - 1e-7)).
    const expected = probabilities.map((row, i) => {
      const sum = row.reduce((a, b) => a + b, 0);
      return -row.reduce(
        (t, v, k) => t + targets[i]![k]! * Math.log(Math.min(Math.max(v / sum, 1e-7), 1 - 1e-7)),
        0,
      );
    });
    const [perSample, mean, keras] = tf.tidy(() => {
      const y = tf.tensor2d(targets);
      const p = tf.tensor2d(probabilities);
      return [
        categoricalCrossEntropyPerSample(y, p).dataSync(),
        categoricalCrossEntropy(y, p).dataSync()[0]!,
        tf.metrics.categoricalCrossentropy(y, p).dataSync(),
      ];
    });
    expected.forEach((e, i) => {
      expect(Math.abs(perSample[i]! - e)).toBeLessThanOrEqual(tolerance * e);
      expect(Math.abs(keras[i]! - e)).toBeLessThanOrEqual(tolerance * e);
    });
    expect(Math.abs(mean - (expected[0]! + expected[1]!) / 2)).toBeLessThanOrEqual(
      tolerance * mean,
    );
  });

  it('meanSquaredError is the mean of squared differences', () => {
    const value = tf.tidy(
      () =>
        meanSquaredError(
          tf.tensor2d([
            [1, 2],
            [3, 4],
          ]),
          tf.tensor2d([
            [0, 2],
            [3, 6],
          ]),
        ).dataSync()[0]!,
    );
    expect(value).toBeCloseTo((1 + 0 + 0 + 4) / 4, 6);
  });

  it('softmaxMeanSquaredError: the closed form, its per-sample form, and its gradient', () => {
    const [B, K] = [2, 3];
    const p = logits.map(softmaxRow);
    const perSample = p.map(
      (row, i) => row.reduce((t, v, k) => t + (v - targets[i]![k]!) ** 2, 0) / K,
    );
    // dL/dz_ij = sum_k (2/(B K)) (p_ik - y_ik) p_ik (delta_kj - p_ij)
    const grad = p.map((row, i) =>
      row.map((pj, j) =>
        row.reduce(
          (t, pk, k) => t + (2 / (B * K)) * (pk - targets[i]![k]!) * pk * ((k === j ? 1 : 0) - pj),
          0,
        ),
      ),
    );
    const before = tf.memory().numTensors;
    const [value, rows, g] = tf.tidy(() => {
      const [y, z] = [tf.tensor2d(targets), tf.tensor2d(logits)];
      return [
        softmaxMeanSquaredError(y, z).dataSync()[0]!,
        Array.from(softmaxMeanSquaredErrorPerSample(y, z).dataSync()),
        tf
          .grad((zz: tf.Tensor) => softmaxMeanSquaredError(y, zz))(z)
          .arraySync() as number[][],
      ];
    });
    expect(tf.memory().numTensors).toBe(before);
    const mean = (perSample[0]! + perSample[1]!) / B;
    expect(Math.abs(value - mean)).toBeLessThanOrEqual(tolerance * mean);
    for (const [i, r] of rows.entries()) expect(r).toBeCloseTo(perSample[i]!, 5);
    for (const [i, v] of g.flat().entries()) expect(v).toBeCloseTo(grad.flat()[i]!, 5);
    expect(resolveLoss('softmaxMeanSquaredError')).toBe(softmaxMeanSquaredError);
  });

  it('softmaxMeanSquaredError fades on a confident wrong answer where cross-entropy does not', () => {
    const gradNorm = (loss: typeof softmaxCrossEntropy) =>
      tf.tidy(() => {
        const y = tf.tensor2d([[1, 0, 0]]);
        const g = tf.grad((z: tf.Tensor) => loss(y, z))(tf.tensor2d([[-6, 6, 0]]));
        return tf.norm(g).dataSync()[0]!;
      });
    // p ≈ (6e-6, 0.9975, 0.0025): cross-entropy's gradient p - y has norm ≈ 1.41.
    expect(gradNorm(softmaxCrossEntropy)).toBeGreaterThan(1.4);
    expect(gradNorm(softmaxMeanSquaredError)).toBeLessThan(0.01);
  });

  it('softmaxMeanSquaredError trains a classifier from class ids, with accuracy and macro-F1', async () => {
    const data = blobs(20, 3, 4);
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [2] })] });
    const trainer = new Trainer({
      model,
      optimizer: tf.train.adam(0.05),
      loss: 'softmaxMeanSquaredError',
      seed: 1,
    });
    const h = await trainer.fit(data, { epochs: 20, batchSize: 10, validationData: data });
    expect(h.history.loss!.at(-1)!).toBeLessThan(h.history.loss![0]!);
    expect(h.history.valAccuracy!.at(-1)).toBeGreaterThan(0.9);
    expect(h.history.valMacroF1!.at(-1)).toBeGreaterThan(0.9);
    tf.dispose(data);
    model.dispose();
  });

  it('resolveLoss: default, names, functions; unknown names throw', () => {
    expect(resolveLoss(undefined)).toBe(softmaxCrossEntropy);
    expect(resolveLoss('meanSquaredError')).toBe(meanSquaredError);
    expect(resolveLoss(softmaxCrossEntropy)).toBe(softmaxCrossEntropy);
    // A function may return the batch mean or per-sample losses [B]; both resolve to the mean.
    const own = (a: tf.Tensor, b: tf.Tensor) => tf.mean(tf.abs(tf.sub(a, b))) as tf.Scalar;
    const ownPerSample = (a: tf.Tensor, b: tf.Tensor) =>
      tf.mean(tf.abs(tf.sub(a, b)), -1) as tf.Tensor1D;
    const [a, b] = [
      tf.tensor2d([
        [1, 2],
        [3, 4],
      ]),
      tf.tensor2d([
        [0, 2],
        [3, 0],
      ]),
    ];
    const [m1, m2] = [resolveLoss(own)(a, b), resolveLoss(ownPerSample)(a, b)];
    expect(m1.rank).toBe(0);
    expect(m2.rank).toBe(0);
    expect(m2.dataSync()[0]).toBeCloseTo(m1.dataSync()[0]!, 6);
    expect(m1.dataSync()[0]).toBeCloseTo(1.25, 6);
    tf.dispose([a, b, m1, m2]);
    expect(() => resolveLoss('toString' as never)).toThrow(InvalidArgumentError);
  });

  it('a custom loss function trains', async () => {
    const { Trainer } = await import('./index.js');
    const x = tf.tensor2d([[0], [1], [2], [3]]);
    const y = tf.tensor2d([[1], [3], [5], [7]]);
    const model = tf.sequential({
      layers: [tf.layers.dense({ units: 1, inputShape: [1], kernelInitializer: 'zeros' })],
    });
    const mae = (a: tf.Tensor, b: tf.Tensor) => tf.mean(tf.abs(tf.sub(a, b))) as tf.Scalar;
    const trainer = new Trainer({ model, optimizer: tf.train.adam(0.1), loss: mae, seed: 1 });
    const h = await trainer.fit({ x, y }, { epochs: 100, batchSize: 4 });
    expect(h.history.loss!.at(-1)).toBeLessThan(0.3);
    expect(h.history.accuracy).toBeUndefined();
    tf.dispose([x, y]);
    model.dispose();
  });
});
