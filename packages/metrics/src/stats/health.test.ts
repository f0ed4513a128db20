import { InvalidArgumentError } from '@overfit/core';
import { describe, expect, it } from 'vitest';
import { testBackend } from '../../../../test/backend.js';
import { DEFAULT_HEALTH_THRESHOLDS, healthFlags } from './health.js';

describe(`healthFlags [${testBackend}]`, () => {
  it('passes a healthy net', () => {
    const f = healthFlags([0.02, 0.05, 0.1], { names: ['d1', 'd2', 'out'] });
    expect(f.ratio).toBeCloseTo(0.2, 15);
    expect({ ...f, ratio: 0.2 }).toEqual({
      vanishing: false,
      exploding: false,
      nonFinite: false,
      ratio: 0.2,
      layers: [
        { name: 'd1', norm: 0.02, vanishing: false, exploding: false, nonFinite: false },
        { name: 'd2', norm: 0.05, vanishing: false, exploding: false, nonFinite: false },
        { name: 'out', norm: 0.1, vanishing: false, exploding: false, nonFinite: false },
      ],
      thresholds: DEFAULT_HEALTH_THRESHOLDS,
    });
  });

  it('flags vanishing by layer norm and by first/last ratio', () => {
    const byNorm = healthFlags([2e-9, 1e-4, 0.3]);
    expect(byNorm.vanishing).toBe(true);
    expect(byNorm.layers.map((l) => l.vanishing)).toEqual([true, false, false]);
    const byRatio = healthFlags([1e-5, 1e-3, 0.1]); // ratio 1e-4 < 1e-3, no layer below 1e-7
    expect(byRatio.layers.some((l) => l.vanishing)).toBe(false);
    expect(byRatio.vanishing).toBe(true);
    expect(healthFlags([1e-5, 1e-3, 0.1], { minRatio: 1e-5 }).vanishing).toBe(false);
  });

  it('flags exploding by layer norm, ratio and Infinity; NaN as non-finite', () => {
    expect(healthFlags([5e3, 1, 1]).exploding).toBe(true);
    expect(healthFlags([50, 1, 0.01]).exploding).toBe(true); // ratio 5e3
    expect(healthFlags([50, 1, 0.01], { maxRatio: 1e4 }).exploding).toBe(false);
    // A non-finite or zero end gives no ratio (documented), so no ratio flag either.
    const inf = healthFlags([1, Number.POSITIVE_INFINITY]);
    expect([inf.exploding, inf.vanishing, inf.nonFinite, inf.ratio]).toEqual([
      true,
      false,
      true,
      null,
    ]);
    const zeroFirst = healthFlags([0, 1]);
    expect([zeroFirst.vanishing, zeroFirst.ratio]).toEqual([true, null]); // by the layer's norm
    const nan = healthFlags([Number.NaN, 1]);
    expect([nan.exploding, nan.vanishing, nan.nonFinite, nan.ratio]).toEqual([
      false,
      false,
      true,
      null,
    ]);
    expect(healthFlags([1]).ratio).toBeNull();
    expect(healthFlags([1, 0]).ratio).toBeNull();
  });

  it('rejects bad input', () => {
    const bad: [unknown, unknown, RegExp][] = [
      [[], {}, /gradNorms must be a non-empty array/],
      [[1, -1], {}, /gradNorms\[1\] must be a norm >= 0/],
      [[1, '2'], {}, /gradNorms\[1\]/],
      [[1, 2], { names: ['a'] }, /options\.names must be an array of 2 strings/],
      [[1, 2], { vanishingNorm: -1 }, /options\.vanishingNorm/],
      [[1, 2], { threshold: 1 }, /options\.threshold/],
    ];
    for (const [norms, options, message] of bad) {
      expect(() => healthFlags(norms as number[], options as never)).toThrow(message);
      expect(() => healthFlags(norms as number[], options as never)).toThrow(InvalidArgumentError);
    }
  });
});
