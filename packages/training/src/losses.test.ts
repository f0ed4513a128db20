import { InvalidArgumentError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { tolerance } from '../../../test/backend.js';
import { meanSquaredError, resolveLoss, softmaxCrossEntropy } from './index.js';

describe('losses', () => {
  it('softmaxCrossEntropy equals the closed form from logits (one-hot and soft targets)', () => {
    const logits = [
      [2, 0, -1],
      [0.5, 0.5, 3],
    ];
    const targets = [
      [1, 0, 0],
      [0.1, 0.2, 0.7],
    ];
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
