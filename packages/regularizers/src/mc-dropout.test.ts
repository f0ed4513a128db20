import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { tolerance } from '../../../test/backend.js';
import { Dropout } from './layers/dropout.js';
import { mcDropoutPredict, normalQuantile } from './mc-dropout.js';
import { maxRelError } from './test-helpers.js';

/** y = Dropout(p)(x) @ ones: a closed-form predictive distribution. */
function sumModel(rate: number, seed = 1) {
  return tf.sequential({
    layers: [
      new Dropout({ rate, seed, inputShape: [64] }),
      tf.layers.dense({ units: 1, useBias: false, kernelInitializer: 'ones' }),
    ],
  });
}

describe('normalQuantile', () => {
  it('matches standard normal quantiles', () => {
    // Values from tables / scipy.stats.norm.ppf.
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 8);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.005)).toBeCloseTo(-2.575829304, 8);
    expect(normalQuantile(0.8413447461)).toBeCloseTo(1, 7);
    expect(() => normalQuantile(1)).toThrow(/p must be a number in \(0, 1\)/);
  });
});

describe('mcDropoutPredict', () => {
  it('gives the closed-form mean and spread of a dropout-then-sum model', () => {
    // y = sum_i x_i m_i / (1 - p): E[y] = sum x = 64, Var[y] = 64 * p / (1 - p) for x = 1.
    const rate = 0.2;
    const model = sumModel(rate);
    const x = tf.ones([1, 64]);
    const samples = 400;
    const { mean, std, lower, upper } = mcDropoutPredict(model, x, { samples, seed: 3 });
    const sigma = Math.sqrt((64 * rate) / (1 - rate));
    expect(Math.abs(mean.dataSync()[0]! - 64)).toBeLessThan((4 * sigma) / Math.sqrt(samples));
    expect(Math.abs(std.dataSync()[0]! / sigma - 1)).toBeLessThan(0.12);
    const z = normalQuantile(0.975);
    expect(
      maxRelError(lower.dataSync(), [mean.dataSync()[0]! - z * std.dataSync()[0]!]),
    ).toBeLessThan(1e-5);
    expect(
      maxRelError(upper.dataSync(), [mean.dataSync()[0]! + z * std.dataSync()[0]!]),
    ).toBeLessThan(1e-5);
    model.dispose();
  });

  it('quantile intervals cover the requested share of passes', () => {
    const model = sumModel(0.5);
    const x = tf.ones([2, 64]);
    const { lower, upper, mean } = mcDropoutPredict(model, x, {
      samples: 200,
      seed: 4,
      interval: 'quantile',
      confidence: 0.9,
    });
    const lo = lower.dataSync();
    const hi = upper.dataSync();
    expect(lower.shape).toEqual([2, 1]);
    expect(lo[0]!).toBeLessThan(mean.dataSync()[0]!);
    expect(hi[0]!).toBeGreaterThan(mean.dataSync()[0]!);
    // Binomial(64, 0.5) * 2: 5% / 95% quantiles are about 64 -+ 1.645 * 8 = 50.8 / 77.2.
    expect(lo[0]!).toBeGreaterThan(44);
    expect(lo[0]!).toBeLessThan(57);
    expect(hi[0]!).toBeGreaterThan(71);
    expect(hi[0]!).toBeLessThan(84);
    model.dispose();
  });

  it("is deterministic for a seed and does not move the layers' training streams", () => {
    const model = sumModel(0.5, 9);
    const x = tf.ones([1, 64]);
    const dropout = model.layers[0] as Dropout;
    const a = mcDropoutPredict(model, x, { samples: 5, seed: 1 });
    const b = mcDropoutPredict(model, x, { samples: 5, seed: 1 });
    const c = mcDropoutPredict(model, x, { samples: 5, seed: 2 });
    expect(Array.from(a.std.dataSync())).toEqual(Array.from(b.std.dataSync()));
    expect(Array.from(a.std.dataSync())).not.toEqual(Array.from(c.std.dataSync()));
    expect(dropout.drawCount).toBe(0);
    expect(Object.hasOwn(dropout, 'nextSeed')).toBe(false); // patch removed
    model.dispose();
  });

  it('keeps BatchNorm in inference mode: with rate 0 it equals model.predict and std is 0', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({
          units: 4,
          inputShape: [3],
          kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
        }),
        tf.layers.batchNormalization({
          movingMeanInitializer: tf.initializers.constant({ value: 0.7 }),
        }),
        new Dropout({ rate: 0, seed: 1 }),
        tf.layers.dense({
          units: 2,
          kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
        }),
      ],
    });
    const x = tf.randomNormal([5, 3], 0, 1, 'float32', 1);
    const { mean, std } = mcDropoutPredict(model, x, { samples: 3, seed: 1 });
    expect(maxRelError(mean.dataSync(), (model.predict(x) as tf.Tensor).dataSync())).toBeLessThan(
      tolerance,
    );
    expect(Math.max(...std.dataSync())).toBeLessThan(1e-6); // 0 up to float rounding (wasm: ~1e-8)
    // In training mode BN would use batch statistics and give another output.
    const trainingOut = (model.apply(x, { training: true }) as tf.Tensor).dataSync();
    expect(maxRelError(trainingOut, mean.dataSync())).toBeGreaterThan(1e-2);
    model.dispose();
  });

  it('validates its arguments and leaks no tensors', () => {
    const model = sumModel(0.3);
    const x = tf.ones([1, 64]);
    expect(() => mcDropoutPredict(model, x, { samples: 1, seed: 1 })).toThrow(
      'options.samples must be an integer >= 2, got 1',
    );
    expect(() => mcDropoutPredict(model, x, { seed: 1, confidence: 1 })).toThrow(
      /options.confidence/,
    );
    expect(() => mcDropoutPredict(model, x, {} as never)).toThrow(/options.seed/);
    expect(() => mcDropoutPredict({} as never, x, { seed: 1 })).toThrow(
      /model must be a tfjs-layers LayersModel/,
    );
    const before = tf.memory().numTensors;
    for (let i = 0; i < 2; i++) {
      const r = mcDropoutPredict(model, x, { samples: 3, seed: i, interval: 'quantile' });
      tf.dispose([r.mean, r.std, r.lower, r.upper]);
    }
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
