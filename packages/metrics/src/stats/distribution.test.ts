import { readFileSync } from 'node:fs';
import { InvalidArgumentError, NonFiniteError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { testBackend } from '../../../../test/backend.js';
import { type DistributionSummary, distributionSummary } from './distribution.js';

// Reference values from numpy / matplotlib, produced by fixtures/make_stats_fixtures.py.
interface Case {
  name: string;
  values: number[];
  bins30: Omit<DistributionSummary, 'nonFiniteCount'>;
  bins7: { edges: number[]; counts: number[] };
}
const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/numpy.json', import.meta.url), 'utf8'),
) as {
  numpy: string;
  matplotlib: string;
  cases: Case[];
};

function close(a: number, b: number, tol: number): void {
  expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThanOrEqual(tol * Math.max(Math.abs(b), 1e-300));
}

describe(`distributionSummary vs numpy ${fixture.numpy} / matplotlib ${fixture.matplotlib} [${testBackend}]`, () => {
  for (const c of fixture.cases) {
    it(c.name, async () => {
      const x = tf.tensor1d(c.values); // float32, as the fixture
      const before = tf.memory().numTensors;
      const s = await distributionSummary(x, { maxOutliers: 1000 });
      const ref = c.bins30;
      // Order statistics and their interpolation are exact.
      for (const key of [
        'count',
        'min',
        'q1',
        'median',
        'q3',
        'max',
        'whiskerLow',
        'whiskerHigh',
        'outlierCount',
      ] as const) {
        expect(s[key], key).toBe(ref[key]);
      }
      expect(s.outliers).toEqual(ref.outliers);
      expect(s.nonFiniteCount).toBe(0);
      // Sums: numpy sums pairwise, we sum in order (both float64).
      close(s.mean, ref.mean, 1e-9);
      close(s.std, ref.std, 1e-9);
      expect(s.histogram.counts).toEqual(ref.histogram.counts);
      s.histogram.edges.forEach((e, i) => {
        close(e, ref.histogram.edges[i]!, 1e-12);
      });
      const h7 = (await distributionSummary(x, { bins: 7 })).histogram;
      expect(h7.counts).toEqual(c.bins7.counts);
      h7.edges.forEach((e, i) => {
        close(e, c.bins7.edges[i]!, 1e-12);
      });
      expect(tf.memory().numTensors).toBe(before);
      expect(JSON.parse(JSON.stringify(s))).toEqual(s);
      x.dispose();
    });
  }
});

describe(`distributionSummary options and edge cases [${testBackend}]`, () => {
  it('samples at most maxOutliers outliers evenly, keeping both ends', async () => {
    const cauchy = fixture.cases.find((c) => c.name.startsWith('cauchy'))!;
    const all = cauchy.bins30.outliers; // 64 ascending
    const x = tf.tensor1d(cauchy.values);
    const s = await distributionSummary(x); // default maxOutliers 20
    expect(s.outlierCount).toBe(64);
    expect(s.outliers).toHaveLength(20);
    expect(s.outliers[0]).toBe(all[0]);
    expect(s.outliers[19]).toBe(all[63]);
    expect(s.outliers.every((v) => all.includes(v))).toBe(true);
    expect([...s.outliers].sort((a, b) => a - b)).toEqual(s.outliers);
    expect((await distributionSummary(x, { maxOutliers: 0 })).outliers).toEqual([]);
    expect((await distributionSummary(x, { maxOutliers: 1 })).outliers).toEqual([all[63]]);
    x.dispose();
  });

  it('whisker sets the reach: 0 puts the whiskers at the quartiles', async () => {
    const x = tf.tensor1d([1, 2, 3, 4, 5, 6, 7, 8, 9]); // q1 = 3, q3 = 7
    const s = await distributionSummary(x, { whisker: 0 });
    expect([s.q1, s.q3, s.whiskerLow, s.whiskerHigh]).toEqual([3, 7, 3, 7]);
    expect(s.outliers).toEqual([1, 2, 8, 9]);
    x.dispose();
  });

  it('leaves out non-finite values and counts them; all non-finite throws', async () => {
    const x = tf.tensor1d([
      1,
      Number.NaN,
      2,
      Number.POSITIVE_INFINITY,
      3,
      Number.NEGATIVE_INFINITY,
    ]);
    const s = await distributionSummary(x);
    expect([s.count, s.nonFiniteCount, s.min, s.median, s.max, s.mean]).toEqual([3, 3, 1, 2, 3, 2]);
    const bad = tf.tensor1d([Number.NaN, Number.POSITIVE_INFINITY]);
    await expect(distributionSummary(bad)).rejects.toBeInstanceOf(NonFiniteError);
    tf.dispose([x, bad]);
  });

  it('summarizes any rank and int32 tensors', async () => {
    const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2], 'int32');
    const s = await distributionSummary(x, { bins: 2 });
    expect([s.count, s.q1, s.median, s.q3]).toEqual([8, 2.75, 4.5, 6.25]);
    expect(s.histogram).toEqual({ edges: [1, 4.5, 8], counts: [4, 4] });
    x.dispose();
  });

  it('rejects bad input', async () => {
    const x = tf.tensor1d([1, 2]);
    const empty = tf.tensor1d([]);
    const bad: [unknown, unknown, RegExp][] = [
      [[1, 2], {}, /values must be a tensor/],
      [empty, {}, /values\.size must be at least 1 element, got 0/],
      [x, { bins: 0 }, /options\.bins must be an integer in \[1, 10000\], got 0/],
      [x, { maxOutliers: -1 }, /options\.maxOutliers/],
      [x, { whisker: -0.5 }, /options\.whisker/],
      [x, { bin: 3 }, /options\.bin/],
    ];
    for (const [v, o, message] of bad) {
      await expect(distributionSummary(v as tf.Tensor, o as never)).rejects.toThrow(message);
      await expect(distributionSummary(v as tf.Tensor, o as never)).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
    }
    tf.dispose([x, empty]);
  });
});
