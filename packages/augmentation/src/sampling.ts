import type { Rng } from '@overfit/core';

/** Gamma(shape k, scale 1) by Marsaglia and Tsang (2000); boosted for k < 1. */
export function sampleGamma(rng: Rng, k: number): number {
  return gammaValue(gammaParts(rng, k));
}

/**
 * A Gamma(k) draw kept as `base * u^(1/k)` (k < 1: Marsaglia and Tsang's boost from
 * Gamma(k + 1)) or `base` (k >= 1, u = 1), so its log stays exact where the product underflows.
 */
interface GammaParts {
  base: number;
  u: number;
  k: number;
}

function gammaParts(rng: Rng, k: number): GammaParts {
  if (k < 1) {
    let u = 0;
    while (u === 0) u = rng.uniform();
    return { base: marsagliaTsang(rng, k + 1), u, k };
  }
  return { base: marsagliaTsang(rng, k), u: 1, k };
}

const gammaValue = (g: GammaParts): number => g.base * g.u ** (1 / g.k);
const gammaLog = (g: GammaParts): number => Math.log(g.base) + Math.log(g.u) / g.k;

/** Marsaglia and Tsang's Gamma(k) sampler, k >= 1. */
function marsagliaTsang(rng: Rng, k: number): number {
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

/**
 * Beta(a, b) as `X / (X + Y)` with `X ~ Gamma(a)`, `Y ~ Gamma(b)`. When both draws underflow
 * to 0 (shapes below ~0.005, where Beta(a, b) sits at 0 or 1), the ratio comes from their logs,
 * `1 / (1 + exp(log Y - log X))`, instead of a fixed 0.5.
 */
export function sampleBeta(rng: Rng, a: number, b: number): number {
  const gx = gammaParts(rng, a);
  const gy = gammaParts(rng, b);
  const x = gammaValue(gx);
  const y = gammaValue(gy);
  return x + y > 0 ? x / (x + y) : 1 / (1 + Math.exp(gammaLog(gy) - gammaLog(gx)));
}

/** Uniform in `[lo, hi]` (returns `lo` when the range is a point, without drawing). */
export function uniformIn(rng: Rng, range: readonly [number, number]): number {
  return range[0] === range[1] ? range[0] : rng.uniform(range[0], range[1]);
}

/**
 * Uniform integer in `[0, n)` as `floor(uniform · n)`, without `rng.int`'s per-call argument
 * check, which dominates sampling a whole batch's boxes. `rng.int` rejects the few draws that
 * would bias large `n`; for image sizes (n far below 2^32) the bias here is under n / 2^32.
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
