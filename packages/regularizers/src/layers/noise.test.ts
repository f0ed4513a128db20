import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { drawTraining, momentsMatch } from '../test-helpers.js';
import { AlphaDropout } from './alpha-dropout.js';
import { GaussianDropout, GaussianNoise } from './gaussian.js';

describe('GaussianDropout', () => {
  it('has mean x and variance x^2 * rate / (1 - rate) over many seeds', () => {
    const rate = 0.4;
    const x = tf.randomUniform([40], -2, 2, 'float32', 1);
    const xs = x.dataSync();
    const check = momentsMatch(
      drawTraining(new GaussianDropout({ rate, seed: 2 }), x, 500),
      xs,
      Array.from(xs, (v) => (v * v * rate) / (1 - rate)),
    );
    expect(check.meanOk, `variance ratio ${check.varianceRatio}`).toBe(true);
  });

  it('is the identity at inference and at rate 0; validates rate', () => {
    const x = tf.tensor([1, -2, 3]);
    expect(
      Array.from((new GaussianDropout({ rate: 0.5, seed: 1 }).apply(x) as tf.Tensor).dataSync()),
    ).toEqual([1, -2, 3]);
    expect(
      Array.from(
        (
          new GaussianDropout({ rate: 0, seed: 1 }).apply(x, { training: true }) as tf.Tensor
        ).dataSync(),
      ),
    ).toEqual([1, -2, 3]);
    expect(() => new GaussianDropout({ rate: 1.5 })).toThrow(
      'rate must be a number in [0, 1), got 1.5',
    );
  });
});

describe('GaussianNoise', () => {
  it('adds zero-mean noise of variance stddev^2', () => {
    const x = tf.randomUniform([40], -2, 2, 'float32', 3);
    const check = momentsMatch(
      drawTraining(new GaussianNoise({ stddev: 0.3, seed: 4 }), x, 500),
      x.dataSync(),
      new Array(40).fill(0.09),
    );
    expect(check.meanOk, `variance ratio ${check.varianceRatio}`).toBe(true);
  });

  it('is the identity at inference; rejects a negative stddev', () => {
    const x = tf.tensor([1, 2]);
    expect(
      Array.from((new GaussianNoise({ stddev: 1, seed: 1 }).apply(x) as tf.Tensor).dataSync()),
    ).toEqual([1, 2]);
    expect(() => new GaussianNoise({ stddev: -1 })).toThrow('stddev must be a number >= 0, got -1');
  });
});

describe('AlphaDropout', () => {
  it('keeps mean 0 and variance 1 of standard-normal inputs (self-normalizing property)', () => {
    const x = tf.randomNormal([20000], 0, 1, 'float32', 5);
    for (const rate of [0.1, 0.3]) {
      const layer = new AlphaDropout({ rate, seed: 6 });
      const y = (layer.apply(x, { training: true }) as tf.Tensor).dataSync() as Float32Array;
      let mean = 0;
      for (const v of y) mean += v / y.length;
      let variance = 0;
      for (const v of y) variance += (v - mean) ** 2 / (y.length - 1);
      // Standard errors here are ~0.01 (mean) and ~0.02 (variance).
      expect(Math.abs(mean)).toBeLessThan(0.04);
      expect(Math.abs(variance - 1)).toBeLessThan(0.06);
    }
  });

  it('sets dropped units to the SELU saturation value, then applies a * x + b', () => {
    const rate = 0.5;
    const alphaP = -1.6732632423543772 * 1.0507009873554805;
    const a = ((1 - rate) * (1 + rate * alphaP ** 2)) ** -0.5;
    const b = -a * alphaP * rate;
    const y = (
      new AlphaDropout({ rate, seed: 1 }).apply(tf.fill([200], 2), { training: true }) as tf.Tensor
    ).dataSync();
    const values = [...new Set(Array.from(y, (v) => v.toFixed(4)))].sort();
    expect(values).toEqual([(a * alphaP + b).toFixed(4), (a * 2 + b).toFixed(4)].sort());
  });

  it("noiseShape broadcasts the mask as Keras' noise_shape (null: the input's size), and is saved", () => {
    const layer = new AlphaDropout({ rate: 0.5, seed: 4, noiseShape: [null, 1] });
    const y = tf.tidy(() =>
      (layer.apply(tf.fill([16, 6], 2), { training: true }) as tf.Tensor).arraySync(),
    ) as number[][];
    // One draw per row: every row is all kept or all dropped, and both occur.
    for (const row of y) expect(new Set(row.map((v) => v.toFixed(5))).size).toBe(1);
    expect(new Set(y.map((row) => row[0]!.toFixed(5))).size).toBe(2);
    expect(layer.getConfig().noiseShape).toEqual([null, 1]);
    const bad = new AlphaDropout({ rate: 0.5, seed: 4, noiseShape: [null, 3] });
    expect(() => bad.apply(tf.ones([2, 6]), { training: true })).toThrow(
      /noiseShape must be broadcastable to the input shape \[2, 6\]/,
    );
  });

  it('is the identity at inference; validates rate', () => {
    const x = tf.tensor([1, 2]);
    expect(
      Array.from((new AlphaDropout({ rate: 0.5, seed: 1 }).apply(x) as tf.Tensor).dataSync()),
    ).toEqual([1, 2]);
    expect(() => new AlphaDropout({ rate: -0.2 })).toThrow(/rate must be a number in \[0, 1\)/);
  });

  it('draws a different mask each step, replayable after resetStream()', () => {
    const layer = new AlphaDropout({ rate: 0.5, seed: 9 });
    const x = tf.ones([64]);
    const [a, b] = drawTraining(layer, x, 2);
    expect(Array.from(a!)).not.toEqual(Array.from(b!));
    layer.resetStream();
    expect(Array.from(drawTraining(layer, x, 1)[0]!)).toEqual(Array.from(a!));
  });
});
