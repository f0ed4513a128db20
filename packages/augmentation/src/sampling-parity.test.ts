import { readFileSync } from 'node:fs';
import { Rng } from '@overfit/core';
import { describe, expect, it } from 'vitest';
import { randomErasing, randomResizedCrop } from './index.js';
import { policyOps } from './policies.js';

/**
 * How torchvision 0.14 draws parameters, recorded by fixtures/make_sampling.py: the policies'
 * magnitude tables, RandomResizedCrop's fallback box, RandomErasing's erase rate.
 */
interface Fixture {
  generator: string;
  magnitudes: {
    policy: 'randAugment' | 'trivialAugment';
    bins: number;
    height: number;
    width: number;
    ops: Record<string, { signed: boolean; values: number[] }>;
  }[];
  resizedCropFallback: {
    height: number;
    width: number;
    scale: [number, number];
    ratio: [number, number];
    box: [number, number, number, number];
  }[];
  erasingRate: {
    height: number;
    width: number;
    scale: [number, number];
    ratio: [number, number];
    draws: number;
    rate: number;
  }[];
}

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/sampling.json', import.meta.url), 'utf8'),
) as Fixture;

describe(`torchvision sampling parity (${fixture.generator})`, () => {
  for (const m of fixture.magnitudes) {
    it(`${m.policy} magnitudes, ${m.bins} bins, ${m.height}x${m.width}`, () => {
      const ops = policyOps();
      // The built-in space, in torchvision's order.
      expect(ops.slice(0, 14).map((o) => o.op)).toEqual(Object.keys(m.ops));
      for (const spec of ops.slice(0, 14)) {
        const want = m.ops[spec.op]!;
        expect(spec.signed, spec.op).toBe(want.signed);
        const got = want.values.map((_, bin) =>
          spec.magnitude({
            bin,
            bins: m.bins,
            height: m.height,
            width: m.width,
            wide: m.policy === 'trivialAugment',
          }),
        );
        // torch.linspace is float32: 1e-5 relative.
        got.forEach((v, bin) => {
          expect(
            Math.abs(v - want.values[bin]!),
            `${spec.op} bin ${bin}: ${v} vs ${want.values[bin]}`,
          ).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want.values[bin]!)));
        });
      }
    });
  }

  for (const f of fixture.resizedCropFallback) {
    it(`randomResizedCrop falls back to torchvision's centre box on ${f.height}x${f.width}, ratio [${f.ratio}]`, () => {
      const t = randomResizedCrop({ size: 4, scale: f.scale, ratio: f.ratio });
      const p = t.sampleParams([3, f.height, f.width, 1], new Rng(5));
      for (let i = 0; i < 3; i++)
        expect([p.top[i], p.left[i], p.height[i], p.width[i]]).toEqual(f.box);
    });
  }

  for (const f of fixture.erasingRate) {
    it(`randomErasing erases as often as torchvision on ${f.height}x${f.width}, scale [${f.scale}]`, () => {
      const t = randomErasing({ p: 1, scale: f.scale, ratio: f.ratio });
      const n = f.draws;
      const p = t.sampleParams([n, f.height, f.width, 1], new Rng(16));
      const erased = p.height.filter((hs, i) => hs.length > 0 && hs[0]! > 0 && p.width[i]![0]! > 0);
      // Both rates are estimates from n draws: 5 standard errors of their difference.
      const sd = Math.sqrt((2 * f.rate * (1 - f.rate)) / n);
      expect(Math.abs(erased.length / n - f.rate)).toBeLessThanOrEqual(5 * sd);
    });
  }
});
