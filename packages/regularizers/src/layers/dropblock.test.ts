import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { drawTraining, momentsMatch } from '../test-helpers.js';
import { DropBlock2D } from './dropblock.js';

/** Independent reference: the keep probability of (r, c) by brute-force counting of covering seeds. */
function keepProbabilityRef(h: number, w: number, b: number, rate: number): number[] {
  const gamma = (rate * h * w) / (b * b * (h - b + 1) * (w - b + 1));
  const out: number[] = [];
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      let seeds = 0;
      for (let i = 0; i <= h - b; i++)
        for (let j = 0; j <= w - b; j++) if (r >= i && r < i + b && c >= j && c < j + b) seeds++;
      out.push((1 - gamma) ** seeds);
    }
  }
  return out;
}

describe('DropBlock2D', () => {
  it('drops whole blockSize x blockSize squares', () => {
    const h = 12;
    const b = 3;
    const y = (
      new DropBlock2D({ rate: 0.3, blockSize: b, seed: 1 }).apply(tf.ones([1, h, h, 1]), {
        training: true,
      }) as tf.Tensor
    ).dataSync();
    const zero = (r: number, c: number) => y[r * h + c] === 0;
    let zeros = 0;
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < h; c++) {
        if (!zero(r, c)) continue;
        zeros++;
        // Some fully dropped b x b square inside the map contains (r, c).
        let covered = false;
        for (let i = Math.max(0, r - b + 1); i <= Math.min(r, h - b); i++) {
          for (let j = Math.max(0, c - b + 1); j <= Math.min(c, h - b); j++) {
            let all = true;
            for (let u = 0; u < b; u++) for (let v = 0; v < b; v++) all &&= zero(i + u, j + v);
            covered ||= all;
          }
        }
        expect(covered).toBe(true);
      }
    }
    expect(zeros).toBeGreaterThan(0);
  });

  it('is exact in expectation at every position (borders included), with variance x^2 (1/keep - 1)', () => {
    const rate = 0.25;
    const [h, w, b] = [6, 5, 3];
    const x = tf.randomUniform([1, h, w, 2], 0.5, 1.5, 'float32', 2);
    const keep = keepProbabilityRef(h, w, b, rate);
    const xs = x.dataSync();
    const variance = Array.from(xs, (v, i) => v * v * (1 / keep[Math.floor(i / 2)]! - 1));
    const check = momentsMatch(
      drawTraining(new DropBlock2D({ rate, blockSize: b, seed: 3 }), x, 800),
      xs,
      variance,
      { varTol: 0.15 },
    );
    expect(check.meanOk, `variance ratio ${check.varianceRatio}`).toBe(true);
  });

  it('drops about `rate` of a large map', () => {
    const y = (
      new DropBlock2D({ rate: 0.2, blockSize: 5, seed: 4 }).apply(tf.ones([4, 40, 40, 2]), {
        training: true,
      }) as tf.Tensor
    ).dataSync();
    const dropped = Array.from(y).filter((v) => v === 0).length / y.length;
    // Overlapping blocks make the realized fraction 1 - (1 - gamma)^(b^2), a bit under rate.
    expect(dropped).toBeGreaterThan(0.14);
    expect(dropped).toBeLessThan(0.22);
  });

  it('clips the block to the map, is the identity at inference, validates', () => {
    const layer = new DropBlock2D({ rate: 0.5, blockSize: 9, seed: 5 });
    const x = tf.ones([2, 4, 4, 1]);
    const y = (layer.apply(x, { training: true }) as tf.Tensor).arraySync() as number[][][][];
    // The 4x4 block covers the whole map: each sample is all dropped or all kept (x 2).
    for (const s of y) expect(new Set(s.flat(2).map((v) => v.toFixed(4))).size).toBe(1);
    expect(Array.from((layer.apply(x) as tf.Tensor).dataSync())).toEqual(Array.from(x.dataSync()));
    expect(() => new DropBlock2D({ rate: 1 })).toThrow('rate must be a number in [0, 1), got 1');
    expect(() => new DropBlock2D({ rate: 0.1, blockSize: 0 })).toThrow(
      /blockSize must be an integer >= 1/,
    );
    expect(() => layer.apply(tf.ones([2, 3]), { training: true })).toThrow(/NHWC/);
  });

  it('leaks no tensors', () => {
    const layer = new DropBlock2D({ rate: 0.2, blockSize: 2, seed: 1 });
    const x = tf.ones([1, 5, 5, 1]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.dispose(layer.apply(x, { training: true }) as tf.Tensor);
    expect(tf.memory().numTensors).toBe(before);
  });
});
