import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './errors.js';
import { deriveSeed, Rng } from './rng.js';

describe('Rng', () => {
  it('repeats the same stream for the same seed and differs for another', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const c = new Rng(8);
    const xs = Array.from({ length: 5 }, () => a.uniform());
    expect(Array.from({ length: 5 }, () => b.uniform())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.uniform())).not.toEqual(xs);
  });

  it('draws uniform values with mean 1/2 and variance 1/12', () => {
    const rng = new Rng(1);
    const n = 200_000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
      sq += u * u;
    }
    const mean = sum / n;
    expect(mean).toBeCloseTo(0.5, 2);
    expect(sq / n - mean * mean).toBeCloseTo(1 / 12, 2);
  });

  it('draws normals with mean 0 and std 1', () => {
    const rng = new Rng(3);
    const n = 100_000;
    const xs = Array.from({ length: n }, () => rng.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / n;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / n;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(variance - 1)).toBeLessThan(0.02);
  });

  it('forks independent children that do not depend on parent draws', () => {
    const parent = new Rng(5);
    const child1 = parent.fork('shuffle').uniform();
    parent.uniform();
    expect(parent.fork('shuffle').uniform()).toBe(child1);
    expect(parent.fork('dropout').uniform()).not.toBe(child1);
    expect(deriveSeed(5, 'a')).toBe(deriveSeed(5, 'a'));
  });

  it('permutes every index exactly once', () => {
    const p = Array.from(new Rng(9).permutation(1000)).sort((x, y) => x - y);
    expect(p).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('restores a saved state', () => {
    const rng = new Rng(11);
    rng.uniform();
    const state = rng.getState();
    const next = rng.uniform();
    rng.setState(state);
    expect(rng.uniform()).toBe(next);
  });

  it('rejects a non-integer seed with a clear message', () => {
    expect(() => new Rng(1.5)).toThrow(InvalidArgumentError);
    expect(() => new Rng(Number.NaN)).toThrow(/seed must be an integer/);
  });
});
