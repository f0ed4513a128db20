import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { drawTraining, momentsMatch } from '../test-helpers.js';
import { SpatialDropout2D } from './spatial-dropout.js';

describe('SpatialDropout2D', () => {
  it('drops whole channels: each (sample, channel) map is all 0 or all x / (1 - rate)', () => {
    const layer = new SpatialDropout2D({ rate: 0.5, seed: 1 });
    const x = tf.ones([8, 3, 3, 6]);
    const y = (layer.apply(x, { training: true }) as tf.Tensor).arraySync() as number[][][][];
    let dropped = 0;
    for (const sample of y) {
      for (let c = 0; c < 6; c++) {
        const values = new Set(sample.flatMap((row) => row.map((px) => px[c]!)));
        expect(values.size).toBe(1);
        const [v] = [...values];
        expect([0, 2]).toContain(Math.round(v! * 1e5) / 1e5);
        if (v === 0) dropped++;
      }
    }
    expect(dropped).toBeGreaterThan(10);
    expect(dropped).toBeLessThan(38);
  });

  it('channelsFirst drops along axis 1', () => {
    const layer = new SpatialDropout2D({ rate: 0.5, seed: 2, dataFormat: 'channelsFirst' });
    const y = (
      layer.apply(tf.ones([4, 5, 2, 2]), { training: true }) as tf.Tensor
    ).arraySync() as number[][][][];
    for (const sample of y) for (const map of sample) expect(new Set(map.flat()).size).toBe(1);
  });

  it('is exact in expectation, with the variance of dropout, over many seeds', () => {
    const x = tf.randomUniform([2, 3, 3, 4], 0.5, 2, 'float32', 3);
    const rate = 0.3;
    const layer = new SpatialDropout2D({ rate, seed: 4 });
    const xs = x.dataSync();
    const check = momentsMatch(
      drawTraining(layer, x, 500),
      xs,
      Array.from(xs, (v) => (v * v * rate) / (1 - rate)),
    );
    expect(check.meanOk, `variance ratio ${check.varianceRatio}`).toBe(true);
  });

  it('is the identity at inference and validates its arguments', () => {
    const layer = new SpatialDropout2D({ rate: 0.9, seed: 1 });
    const x = tf.randomNormal([1, 2, 2, 3], 0, 1, 'float32', 1);
    expect(Array.from((layer.apply(x) as tf.Tensor).dataSync())).toEqual(Array.from(x.dataSync()));
    expect(() => new SpatialDropout2D({ rate: 1 })).toThrow(
      'rate must be a number in [0, 1), got 1',
    );
    expect(() => new SpatialDropout2D({ rate: 0.1, dataFormat: 'nhwc' as never })).toThrow(
      /dataFormat must be one of/,
    );
    expect(() =>
      new SpatialDropout2D({ rate: 0.1 }).apply(tf.ones([2, 3]), { training: true }),
    ).toThrow(/rank-4/);
  });
});
