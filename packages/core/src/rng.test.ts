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
    let inRange = true;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      inRange &&= u >= 0 && u < 1;
      sum += u;
      sq += u * u;
    }
    expect(inRange).toBe(true);
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

  it('keeps its streams: values locked for seed 42 (a change here changes every seeded run)', () => {
    const r = new Rng(42);
    expect(Array.from({ length: 4 }, () => r.uniform())).toEqual([
      0.8109124908223748, 0.858453007414937, 0.856356856180355, 0.1863442133180797,
    ]);
    expect(Array.from({ length: 8 }, () => r.int(10))).toEqual([6, 5, 0, 8, 9, 0, 2, 2]);
    expect(Array.from({ length: 4 }, () => r.int(60000))).toEqual([17447, 33371, 51841, 5356]);
    expect(Array.from(new Rng(7).permutation(10))).toEqual([3, 8, 5, 7, 4, 9, 1, 6, 0, 2]);
    expect(new Rng(7).shuffle(['a', 'b', 'c', 'd', 'e'])).toEqual(['e', 'd', 'c', 'a', 'b']);
    expect(new Rng(42).fork('shuffle').uniform()).toBe(0.9395725424401462);
    expect([deriveSeed(42, 'x'), deriveSeed(0, 'x'), deriveSeed(2 ** 31 - 1, 'shuffle/0')]).toEqual(
      [3248760211, 805315841, 1877094934],
    );
  });

  it('uniform() never returns 1, even for the largest 32-bit draw', () => {
    const rng = new Rng(1);
    rng.nextUint32 = () => 0xffffffff;
    expect(rng.uniform()).toBe(1 - 2 ** -32);
    rng.nextUint32 = () => 0;
    expect(rng.uniform()).toBe(0);
  });

  it('draws integers without modulo bias (n = 3 * 2^30: floor(u * n) would give 0 mod 3 half the time)', () => {
    const rng = new Rng(2);
    const n = 3 * 2 ** 30;
    const counts = [0, 0, 0];
    const draws = 30_000;
    let inRange = true;
    for (let i = 0; i < draws; i++) {
      const v = rng.int(n);
      inRange &&= Number.isInteger(v) && v >= 0 && v < n;
      counts[v % 3]! += 1;
    }
    expect(inRange).toBe(true);
    // exact uniformity gives 1/3 each (std of a share ~0.003); the biased map gives 1/2, 1/4, 1/4
    for (const c of counts) expect(Math.abs(c / draws - 1 / 3)).toBeLessThan(0.015);
  });

  it('reaches every integer below n > 2^32 (53 random bits), uniformly', () => {
    const rng = new Rng(4);
    const n = 2 ** 40;
    let odd = 0;
    let sum = 0;
    const draws = 20_000;
    let inRange = true;
    for (let i = 0; i < draws; i++) {
      const v = rng.int(n);
      inRange &&= Number.isInteger(v) && v >= 0 && v < n;
      odd += v % 2;
      sum += v / n;
    }
    expect(inRange).toBe(true);
    expect(Math.abs(odd / draws - 0.5)).toBeLessThan(0.02); // floor(u * 2^40) is always even
    expect(Math.abs(sum / draws - 0.5)).toBeLessThan(0.01);
    expect(new Rng(5).int(2 ** 53)).toBeLessThan(2 ** 53);
    expect(new Rng(5).int(1)).toBe(0);
  });

  it('gives every int(n) value the same frequency (chi-square, n = 7)', () => {
    const rng = new Rng(6);
    const counts = new Array(7).fill(0);
    const draws = 70_000;
    for (let i = 0; i < draws; i++) counts[rng.int(7)] += 1;
    const expected = draws / 7;
    const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(22.46); // chi-square, 6 dof, p = 0.001
  });

  it('shuffles and permutes uniformly: each of the 3! orders about 1/6 of the time', () => {
    for (const order of [
      (rng: Rng) => Array.from(rng.permutation(3)).join(''),
      (rng: Rng) => rng.shuffle([0, 1, 2]).join(''),
    ]) {
      const rng = new Rng(8);
      const counts = new Map<string, number>();
      const draws = 60_000;
      for (let i = 0; i < draws; i++) {
        const key = order(rng);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      expect([...counts.keys()].sort()).toEqual(['012', '021', '102', '120', '201', '210']);
      const chi2 = [...counts.values()].reduce((s, c) => s + (c - draws / 6) ** 2 / (draws / 6), 0);
      expect(chi2).toBeLessThan(20.52); // 5 dof, p = 0.001
    }
  });

  it('forks streams that are uncorrelated with each other and with the parent', () => {
    const parent = new Rng(12);
    const a = parent.fork('a');
    const b = parent.fork('b');
    const n = 50_000;
    const xs = Array.from({ length: n }, () => [parent.uniform(), a.uniform(), b.uniform()]);
    const corr = (i: number, j: number) => {
      const mi = xs.reduce((s, x) => s + x[i]!, 0) / n;
      const mj = xs.reduce((s, x) => s + x[j]!, 0) / n;
      let cov = 0;
      let vi = 0;
      let vj = 0;
      for (const x of xs) {
        cov += (x[i]! - mi) * (x[j]! - mj);
        vi += (x[i]! - mi) ** 2;
        vj += (x[j]! - mj) ** 2;
      }
      return cov / Math.sqrt(vi * vj);
    };
    for (const [i, j] of [
      [0, 1],
      [0, 2],
      [1, 2],
    ])
      expect(Math.abs(corr(i!, j!))).toBeLessThan(0.02);
    // a grandchild differs from its parent and its sibling
    expect(a.fork('x').uniform()).not.toBe(b.fork('x').uniform());
  });

  it('uses every bit of the seed when forking (5 vs 5 + 2^32, -1 vs 2^32 - 1)', () => {
    expect(deriveSeed(5 + 2 ** 32, 'a')).not.toBe(deriveSeed(5, 'a'));
    expect(deriveSeed(-1, 'a')).not.toBe(deriveSeed(2 ** 32 - 1, 'a'));
    expect(new Rng(5 + 2 ** 32).fork('a').uniform()).not.toBe(new Rng(5).fork('a').uniform());
    expect(new Rng(5 + 2 ** 32).uniform()).not.toBe(new Rng(5).uniform());
  });

  it('rejects bad arguments before drawing', () => {
    const rng = new Rng(1);
    const state = rng.getState();
    expect(() => rng.int(0)).toThrow('n must be an integer in [1, 9007199254740992], got 0');
    expect(() => rng.int(2.5)).toThrow(InvalidArgumentError);
    expect(() => rng.int(2 ** 54)).toThrow(InvalidArgumentError);
    expect(() => rng.permutation(-1)).toThrow('n must be an integer in [0, 2147483647], got -1');
    expect(() => rng.permutation(Number.NaN)).toThrow(InvalidArgumentError);
    expect(rng.permutation(0)).toEqual(new Int32Array(0));
    expect(() => rng.shuffle('abc' as never)).toThrow('items must be an array, got "abc"');
    expect(() => rng.setState([1, 2, 3] as never)).toThrow(
      /^state must be what getState\(\) returned/,
    );
    expect(() => rng.setState([1, 2, 3, 0.5])).toThrow(InvalidArgumentError);
    expect(rng.getState()).toEqual(state);
    rng.setState(JSON.parse(JSON.stringify(state)));
    expect(rng.getState()).toEqual(state);
  });

  it('rejects a non-integer seed with a clear message', () => {
    expect(() => new Rng(1.5)).toThrow(InvalidArgumentError);
    expect(() => new Rng(Number.NaN)).toThrow(/seed must be an integer/);
  });
});
