import type { Rng } from '@overfit/core';

/** Gamma(shape k, scale 1) by Marsaglia and Tsang (2000); boosted for k < 1. */
export function sampleGamma(rng: Rng, k: number): number {
  if (k < 1) {
    let u = 0;
    while (u === 0) u = rng.uniform();
    return sampleGamma(rng, k + 1) * u ** (1 / k);
  }
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.uniform();
    if (u < 1 - 0.0331 * x ** 4) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Beta(a, b) as `X / (X + Y)` with `X ~ Gamma(a)`, `Y ~ Gamma(b)`. */
export function sampleBeta(rng: Rng, a: number, b: number): number {
  const x = sampleGamma(rng, a);
  const y = sampleGamma(rng, b);
  return x + y === 0 ? 0.5 : x / (x + y);
}

/** Uniform in `[lo, hi]` (returns `lo` when the range is a point, without drawing). */
export function uniformIn(rng: Rng, range: readonly [number, number]): number {
  return range[0] === range[1] ? range[0] : rng.uniform(range[0], range[1]);
}

/**
 * Uniform integer in `[0, n)`: exactly `rng.int(n)`'s draw (`floor(uniform · n)`) without
 * its per-call argument check, which dominates sampling a whole batch's boxes.
 */
export function randInt(rng: Rng, n: number): number {
  return Math.floor(rng.uniform() * n);
}

/**
 * Python's `round` (and `torch.round`): half-way values go to the even integer, so sizes and
 * offsets computed as torchvision computes them come out the same (`round(2.5) = 2`).
 */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
