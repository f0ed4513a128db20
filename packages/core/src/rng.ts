import { checkInteger, checkSeed } from './validate.js';

const UINT32 = 2 ** 32;

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

  /** Uniform float in [lo, hi) (default [0, 1)). */
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

  /** Uniform integer in [0, n). */
  int(n: number): number {
    checkInteger('n', n);
    return Math.floor(this.uniform() * n);
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  /** A seed for a tfjs random op (`tf.randomUniform(shape, 0, 1, 'float32', seed)`). */
  nextSeed(): number {
    return this.nextUint32();
  }

  /** Fisher–Yates shuffle, in place; returns the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.uniform() * (i + 1));
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }

  /** A permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.uniform() * (i + 1));
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

  /** The generator's internal state, to checkpoint and resume a stream. */
  getState(): [number, number, number, number] {
    return [this.a, this.b, this.c, this.d];
  }

  setState(state: readonly [number, number, number, number]): void {
    [this.a, this.b, this.c, this.d] = state;
  }
}

/** A 32-bit seed derived from `seed` and a label (stable across runs and platforms). */
export function deriveSeed(seed: number, label: string | number): number {
  checkSeed('seed', seed);
  return mix32((mix32(Math.trunc(seed) >>> 0) ^ hashString(String(label))) >>> 0);
}
