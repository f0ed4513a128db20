import { Rng } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { cutmix, mixup } from './mixing.js';
import { augment } from './pipeline.js';
import { sampleBeta } from './sampling.js';
import { expectClose, expectNoLeak, ramp } from './test-utils.js';

const oneHot = (classes: number[], k: number) =>
  tf.cast(tf.oneHot(tf.tensor1d(classes, 'int32'), k), 'float32');

describe('MixUp', () => {
  it('mixes images and labels with the same lambda and partner', async () => {
    const x = ramp(3, 2, 2, 1);
    const y = oneHot([0, 1, 2], 3);
    const t = mixup();
    const params = { partner: [2, 0, 1], lambda: [0.25, 1, 0.5] };
    const [a, b, c] = tf.split(x, 3);
    await expectClose(
      t.apply(x, params),
      tf.concat([
        tf.add(tf.mul(a!, 0.25), tf.mul(c!, 0.75)),
        b!,
        tf.add(tf.mul(c!, 0.5), tf.mul(b!, 0.5)),
      ]),
    );
    await expectClose(
      t.applyToLabels(y, params),
      tf.tensor2d([
        [0.25, 0, 0.75],
        [0, 1, 0],
        [0, 0.5, 0.5],
      ]),
    );
  });

  it('keeps label mass 1 for every image', async () => {
    const t = mixup({ alpha: 0.4 });
    const x = ramp(64, 2, 2, 1);
    const y = oneHot(
      Array.from({ length: 64 }, (_, i) => i % 10),
      10,
    );
    const params = t.sampleParams(x.shape, new Rng(5));
    await expectClose(tf.sum(t.applyToLabels(y, params), 1), tf.ones([64]));
  });

  it('draws lambda ~ Beta(alpha, alpha): mean 1/2, variance 1 / (4 (2 alpha + 1))', () => {
    for (const alpha of [0.2, 1, 3]) {
      const { lambda } = mixup({ alpha }).sampleParams([20000, 1, 1, 1], new Rng(8));
      const mean = lambda.reduce((a, b) => a + b, 0) / lambda.length;
      const variance = lambda.reduce((a, b) => a + (b - mean) ** 2, 0) / lambda.length;
      const expected = 1 / (4 * (2 * alpha + 1));
      expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
      expect(Math.abs(variance - expected) / expected).toBeLessThan(0.04);
    }
    // Beta(2, 5): mean 2/7 (checks the asymmetric sampler).
    const rng = new Rng(1);
    const draws = Array.from({ length: 20000 }, () => sampleBeta(rng, 2, 5));
    expect(draws.reduce((a, b) => a + b, 0) / draws.length).toBeCloseTo(2 / 7, 2);
  });

  it('Beta with tiny shapes sits at 0 or 1 with P(near 1) = a / (a + b), even when both gammas underflow', () => {
    // Beta(a, b) for a, b -> 0 tends to Bernoulli(a / (a + b)) on {0, 1}; at 0.001 most Gamma
    // draws underflow to 0 in double, which once gave 0.5 for every such draw.
    const rng = new Rng(3);
    for (const [a, b] of [
      [0.001, 0.001],
      [0.001, 0.003],
    ] as const) {
      const draws = Array.from({ length: 4000 }, () => sampleBeta(rng, a, b));
      const extreme = draws.filter((v) => v < 1e-6 || v > 1 - 1e-6).length / draws.length;
      expect(extreme).toBeGreaterThan(0.97);
      const high = draws.filter((v) => v > 0.5).length / draws.length;
      // a / (a + b) within 5 standard errors of 4000 Bernoulli draws.
      const p = a / (a + b);
      expect(Math.abs(high - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / draws.length));
    }
  });

  it('rejects integer labels with a clear error', () => {
    const t = mixup();
    const params = t.sampleParams([2, 1, 1, 1], new Rng(1));
    expect(() => t.applyToLabels(tf.tensor1d([0, 1], 'int32'), params)).toThrow(
      /one-hot or soft float32 labels \[N, K\]/,
    );
    expect(() => mixup({ alpha: 0 })).toThrow('alpha must be a number > 0, got 0');
  });

  it('augment() with bad labels throws and leaks nothing (regression)', () => {
    const x = ramp(4, 3, 3, 1);
    const bad = [tf.tensor1d([0, 1, 2, 0], 'int32'), tf.ones([3, 2])];
    const before = tf.memory().numTensors;
    for (const labels of bad) {
      for (const t of [mixup(), cutmix()]) {
        expect(() => augment(t, x, labels, { training: true, rng: new Rng(1) })).toThrow(
          /one-hot or soft float32 labels/,
        );
      }
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, ...bad]);
  });
});

describe('CutMix', () => {
  it('pastes the partner box and weights labels by the pasted area', async () => {
    const x = tf.concat([tf.zeros([1, 4, 4, 1]), tf.ones([1, 4, 4, 1])]);
    const t = cutmix();
    const params = {
      partner: [1, 0],
      lambda: [0.75, 1],
      top: [1, 0],
      left: [0, 0],
      height: [2, 0],
      width: [2, 0],
    };
    const out = await t.apply(x, params).data();
    expect(Array.from(out.slice(0, 16))).toEqual([0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(out.slice(16))).toEqual(new Array(16).fill(1));
    await expectClose(
      t.applyToLabels(oneHot([0, 1], 2), params),
      tf.tensor2d([
        [0.75, 0.25],
        [0, 1],
      ]),
    );
  });

  it('lambda equals 1 - pasted area for every draw, label mass stays 1', async () => {
    const t = cutmix({ alpha: 1 });
    const n = 300;
    const params = t.sampleParams([n, 16, 12, 1], new Rng(4));
    params.lambda.forEach((lam, i) => {
      expect(lam).toBeCloseTo(1 - (params.height[i]! * params.width[i]!) / (16 * 12), 12);
    });
    // Image i is the constant i + 1: the share of its pixels holding its partner's value is 1 - lambda.
    const x = tf.mul(
      tf.reshape(tf.range(1, n + 1, 1, 'float32'), [n, 1, 1, 1]),
      tf.ones([n, 16, 12, 1]),
    );
    const out = await t.apply(x, params).data();
    params.partner.forEach((j, i) => {
      if (j === i) return;
      let taken = 0;
      for (let k = 0; k < 16 * 12; k++) if (out[i * 192 + k] === j + 1) taken++;
      expect(taken / 192).toBeCloseTo(1 - params.lambda[i]!, 12);
    });
    const y = oneHot(
      Array.from({ length: n }, (_, i) => i % 4),
      4,
    );
    await expectClose(tf.sum(t.applyToLabels(y, params), 1), tf.ones([n]));
  });

  it('leaks nothing', () => {
    const x = ramp(4, 6, 6, 1);
    const y = oneHot([0, 1, 2, 3], 4);
    const t = cutmix();
    const params = t.sampleParams(x.shape, new Rng(2));
    expectNoLeak(() => [t.apply(x, params), t.applyToLabels(y, params)]);
  });
});
