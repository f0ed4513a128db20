import { InvalidArgumentError } from '@overfit/core';
import { describe, expect, it } from 'vitest';
import { computeMeanStd, standardize } from './normalize.js';

describe('computeMeanStd', () => {
  it('matches the closed form on small inputs (population std)', () => {
    // [1, 2, 3, 4]: mean 2.5, variance (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25
    const { mean, std } = computeMeanStd([1, 2, 3, 4]);
    expect(mean).toBe(2.5);
    expect(std).toBeCloseTo(Math.sqrt(1.25), 15);
    expect(computeMeanStd(new Float32Array([7]))).toEqual({ mean: 7, std: 0 });
    expect(computeMeanStd(new Uint8Array([0, 255]))).toEqual({ mean: 127.5, std: 127.5 });
  });

  it('stays accurate with a large offset (two-pass, no E[x²] − E[x]² cancellation)', () => {
    // 1e8 + [0, 1, ..., 9]: std = sqrt(8.25) exactly as for [0..9]
    const values = Float64Array.from({ length: 10 }, (_, i) => 1e8 + i);
    const { mean, std } = computeMeanStd(values);
    expect(mean).toBe(1e8 + 4.5);
    expect(std).toBeCloseTo(Math.sqrt(8.25), 9);
  });

  it('rejects empty and non-finite input, and names the index', () => {
    expect(() => computeMeanStd([])).toThrow(InvalidArgumentError);
    expect(() => computeMeanStd(new Float32Array(0))).toThrow(
      'values must be a non-empty array of numbers, got "Float32Array(0)"',
    );
    expect(() => computeMeanStd([1, Number.NaN])).toThrow(
      'values[1] must be a finite number, got NaN',
    );
    expect(() => computeMeanStd(3 as never)).toThrow(InvalidArgumentError);
  });
});

describe('standardize', () => {
  it('applies (x − mean) / std into a new Float32Array by default', () => {
    const input = [1, 2, 3, 4];
    const out = standardize(input, { mean: 2.5, std: 0.5 });
    expect(out).toBeInstanceOf(Float32Array);
    expect(Array.from(out)).toEqual([-3, -1, 1, 3]);
    expect(input).toEqual([1, 2, 3, 4]);
  });

  it('works in place and gives zero mean, unit std on its own statistics', () => {
    const values = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 3 + 10);
    const stats = computeMeanStd(values);
    const same = standardize(values, stats, values);
    expect(same).toBe(values);
    const after = computeMeanStd(values);
    expect(Math.abs(after.mean)).toBeLessThan(1e-6);
    expect(after.std).toBeCloseTo(1, 6);
  });

  it('rejects bad statistics and a mismatched out before writing anything', () => {
    const out = new Float32Array(2).fill(5);
    expect(() => standardize([1, 2], { mean: 0, std: 0 }, out)).toThrow(
      'stats.std must be a number > 0, got 0',
    );
    expect(() => standardize([1, 2], { mean: Number.NaN, std: 1 }, out)).toThrow(
      'stats.mean must be a finite number, got NaN',
    );
    expect(() => standardize([1, 2, 3], { mean: 0, std: 1 }, out)).toThrow(
      'out must be a Float32Array of length 3, got "Float32Array(2)"',
    );
    expect(Array.from(out)).toEqual([5, 5]);
  });
});
