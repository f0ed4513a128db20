// The course's "standard" dropout: no scaling in training, x * (1 - p) at test time.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { tolerance } from '../../../../test/backend.js';
import { Dropout, dropout } from './dropout.js';

describe('Dropout({ inverted: false })', () => {
  it('training: x or 0 with the same mask as inverted dropout (no 1 / (1 - p) scaling)', () => {
    const x = tf.randomUniform([64, 32], 0.5, 2, 'float32', 1);
    const rate = 0.3;
    const standard = dropout(x, rate, { seed: 5, training: true, inverted: false });
    const inverted = dropout(x, rate, { seed: 5, training: true });
    const s = standard.dataSync();
    const xs = x.dataSync();
    for (let i = 0; i < s.length; i++) expect(s[i] === 0 || s[i] === xs[i]).toBe(true);
    const scaled = tf.tidy(() => tf.mul(inverted, 1 - rate).dataSync());
    for (let i = 0; i < s.length; i++)
      expect(Math.abs(s[i]! - scaled[i]!)).toBeLessThanOrEqual(tolerance * Math.abs(xs[i]!));
    tf.dispose([x, standard, inverted]);
  });

  it('inference: exactly x * (1 - p), the expectation of the training output', () => {
    const rate = 0.25;
    const layer = new Dropout({ rate, inverted: false, seed: 3 });
    const x = tf.fill([4000, 8], 2);
    const infer = layer.apply(x, { training: false }) as tf.Tensor;
    expect(Array.from(infer.dataSync()).every((v) => Math.abs(v - 1.5) < 1e-6)).toBe(true);
    const train = layer.apply(x, { training: true }) as tf.Tensor;
    // E[y] = 2 * 0.75 = 1.5; std of the mean over 32000 Bernoulli draws: 2 * sqrt(p q / n) ~ 0.005.
    expect(Math.abs(train.mean().dataSync()[0]! - 1.5)).toBeLessThan(0.025);
    tf.dispose([x, infer, train]);
  });

  it('the inverted default is unchanged; config round-trips; nothing leaks', () => {
    const x = tf.ones([3, 2]);
    const invertedLayer = new Dropout({ rate: 0.5, seed: 1 });
    const y = invertedLayer.apply(x, { training: false }) as tf.Tensor;
    expect(Array.from(y.dataSync())).toEqual([1, 1, 1, 1, 1, 1]);
    expect(invertedLayer.getConfig().inverted).toBe(true);
    const standard = new Dropout({ rate: 0.5, seed: 1, inverted: false });
    const again = new Dropout(standard.getConfig() as never);
    expect(again.inverted).toBe(false);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      tf.dispose(standard.apply(x, { training: true }) as tf.Tensor);
      tf.dispose(standard.apply(x, { training: false }) as tf.Tensor);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(() => new Dropout({ rate: 0.5, inverted: 'no' as never })).toThrow(
      /inverted must be true or false/,
    );
    tf.dispose([x, y]);
  });
});
