import { InvalidArgumentError } from './errors.js';
import { checkInteger, checkSeed } from './validate.js';

const UINT32 = 2 ** 32;
const UINT53 = 2 ** 53;

function mix32(x: number): number {
  // splitmix32 finalizer: decorrelates nearby seeds.
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * A small, fast, seeded pseudo-random generator (sfc32 seeded through splitmix32).
 *
 * One seed drives everything random in overfit: weight init, shuffling, dropout masks and
 * augmentation draws each take a child stream from {@link Rng.fork} so that adding a consumer
 * does not shift the draws of the others.
 *
 * @example
 * const rng = new Rng(42);
 * rng.uniform(); // in [0, 1)
 * const shuffleRng = rng.fork('shuffle');
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  readonly seed: number;

  constructor(seed: number) {
    checkSeed('seed', seed);
    this.seed = seed;
    const s = Math.trunc(seed);
    const lo = s >>> 0;
    const hi = Math.floor(s / UINT32) >>> 0;
    this.a = mix32(lo);
    this.b = mix32(this.a ^ hi);
    this.c = mix32(this.b + 1);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /**
   * Uniform float in [lo, hi) (default [0, 1)): `lo + (hi - lo) * k / 2^32` for a uniform
   * 32-bit `k`, so [0, 1) never gives 1 (at most `1 - 2^-32`). For other ranges the float
   * rounding of that sum can reach `hi` when `|lo|` is large against `hi - lo`.
   */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * (this.nextUint32() / UINT32);
  }

  /** Standard normal (Box–Muller), times `std`, plus `mean`. */
  normal(mean = 0, std = 1): number {
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /**
   * Uniform integer in [0, n), `n` an integer in [1, 2^53], without modulo bias: Lemire's
   * multiply-and-reject for n <= 2^32 (the draw is `floor(k * n / 2^32)`, i.e.
   * `floor(uniform() * n)`, except that the rare `k` that would over-represent some results are
   * drawn again), rejection on 53 random bits above.
   */
  int(n: number): number {
    checkInteger('n', n, { max: UINT53 });
    return this.below(n);
  }

  /** {@link int} without the argument check (`n` an integer in [1, 2^53]). */
  private below(n: number): number {
    if (n <= UINT32) {
      const threshold = (UINT32 - n) % n; // 2^32 mod n: how many k to reject
      for (;;) {
        const k = this.nextUint32();
        // k * n (up to 64 bits) exactly, as high * 2^32 + low, in 48-bit pieces.
        const a = (k >>> 16) * n;
        const b = (k & 0xffff) * n;
        const aLow = a % 65536;
        const sum = aLow * 65536 + b;
        const low = sum % UINT32;
        if (low >= threshold) return (a - aLow) / 65536 + (sum - low) / UINT32;
      }
    }
    const limit = UINT53 - (UINT53 % n);
    for (;;) {
      const r = (this.nextUint32() >>> 11) * UINT32 + this.nextUint32();
      if (r < limit) return r % n;
    }
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  /** A seed for a tfjs random op (`tf.randomUniform(shape, 0, 1, 'float32', seed)`). */
  nextSeed(): number {
    return this.nextUint32();
  }

  /** Fisher–Yates shuffle, in place, every order equally likely; returns the array. */
  shuffle<T>(items: T[]): T[] {
    if (!Array.isArray(items)) throw new InvalidArgumentError('items', items, 'an array');
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }

  /** A uniformly random permutation of 0..n-1 (`n` an integer in [0, 2^31 - 1]). */
  permutation(n: number): Int32Array {
    checkInteger('n', n, { min: 0, max: 2 ** 31 - 1 });
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.below(i + 1);
      const tmp = out[i]!;
      out[i] = out[j]!;
      out[j] = tmp;
    }
    return out;
  }

  /**
   * An independent child stream named `label`: the same parent seed and label always give
   * the same child, whatever was drawn from the parent before.
   */
  fork(label: string): Rng {
    return new Rng(deriveSeed(this.seed, label));
  }

  /** The generator's internal state, to checkpoint and resume a stream (plain JSON). */
  getState(): [number, number, number, number] {
    return [this.a, this.b, this.c, this.d];
  }

  /**
   * Resumes the stream saved by {@link getState}.
   *
   * @throws InvalidArgumentError unless `state` is 4 integers in [-2^31, 2^32)
   */
  setState(state: readonly [number, number, number, number]): void {
    if (
      !Array.isArray(state) ||
      state.length !== 4 ||
      !state.every((v) => Number.isInteger(v) && v >= -(2 ** 31) && v < UINT32)
    ) {
      throw new InvalidArgumentError('state', state, 'what getState() returned: 4 32-bit integers');
    }
    [this.a, this.b, this.c, this.d] = state;
  }
}

/**
 * A 32-bit seed derived from `seed` and a label (stable across runs and platforms). Every bit of
 * `seed` counts: seeds that differ by a multiple of 2^32 (`5` and `5 + 2^32`, `-1` and
 * `2^32 - 1`) derive different seeds, as they start different streams.
 */
export function deriveSeed(seed: number, label: string | number): number {
  checkSeed('seed', seed);
  const s = Math.trunc(seed);
  const high = Math.floor(s / UINT32) >>> 0;
  // Seeds in [0, 2^32) keep the value they always had.
  const base = high === 0 ? mix32(s >>> 0) : mix32((mix32(s >>> 0) ^ mix32(high)) >>> 0);
  return mix32((base ^ hashString(String(label))) >>> 0);
}
