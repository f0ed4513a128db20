import { describe, expect, it } from 'vitest';
import { simdModuleBytes, simdUpdates } from './simd-module.js';

// The hand-assembled SIMD module against the formulas, on a memory of its own.

function setup(n: number) {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const f32 = new Float32Array(memory.buffer);
  // Seven arrays of n floats, at offsets that are 4- but not 16-byte aligned.
  const offsets = Array.from({ length: 7 }, (_, k) => 4 + k * (n + 3) * 4);
  const arrays = offsets.map((o) => new Float32Array(memory.buffer, o, n));
  let seed = 1;
  const random = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647 - 0.5;
  };
  for (const a of arrays.slice(0, 4)) for (let i = 0; i < n; i++) a[i] = random();
  arrays[2]!.forEach((v, i) => {
    arrays[2]![i] = Math.abs(v); // a second moment is >= 0
  });
  return { memory, f32, offsets, arrays };
}

describe('the SIMD update module', () => {
  it('is valid WebAssembly and instantiates on a non-shared memory', () => {
    expect(WebAssembly.validate(simdModuleBytes())).toBe(true);
    expect(simdUpdates(new WebAssembly.Memory({ initial: 1 }))).not.toBeNull();
  });

  it('adam equals the formula on the lanes it covers and leaves the rest alone', () => {
    const n = 23;
    const { memory, offsets, arrays } = setup(n);
    const [x, m, v, g, xo, mo, vo] = arrays as [
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
    ];
    const [b1, b2, step, invC2, eps] = [0.9, 0.999, 0.01, 1 / 0.3, 1e-7];
    const covered = n - (n % 4);
    simdUpdates(memory)!.adam(...offsets, covered * 4, b1, 1 - b1, b2, 1 - b2, step, invC2, eps);
    for (let i = 0; i < n; i++) {
      if (i >= covered) {
        expect([xo[i], mo[i], vo[i]]).toEqual([0, 0, 0]);
        continue;
      }
      const mi = b1 * m[i]! + (1 - b1) * g[i]!;
      const vi = b2 * v[i]! + (1 - b2) * g[i]! * g[i]!;
      expect(mo[i]).toBeCloseTo(mi, 6);
      expect(vo[i]).toBeCloseTo(vi, 6);
      expect(xo[i]).toBeCloseTo(x[i]! - (step * mi) / (Math.sqrt(vi * invC2) + eps), 5);
    }
  });

  it('sgd and momentum (plain and Nesterov) equal their formulas', () => {
    const n = 16;
    const { memory, offsets, arrays } = setup(n);
    const [x, a, g] = arrays as [Float32Array, Float32Array, Float32Array];
    const simd = simdUpdates(memory)!;
    simd.sgd(offsets[0]!, offsets[2]!, offsets[4]!, n * 4, 0.1);
    arrays[4]!.forEach((xo, i) => {
      expect(xo).toBeCloseTo(x[i]! - 0.1 * g[i]!, 6);
    });
    for (const nesterov of [0, 1]) {
      simd.momentum(
        offsets[0]!,
        offsets[1]!,
        offsets[2]!,
        offsets[4]!,
        offsets[5]!,
        n * 4,
        0.1,
        0.9,
        nesterov,
      );
      for (let i = 0; i < n; i++) {
        const ai = 0.9 * a[i]! + g[i]!;
        expect(arrays[5]![i]).toBeCloseTo(ai, 6);
        expect(arrays[4]![i]).toBeCloseTo(x[i]! - 0.1 * (nesterov ? g[i]! + 0.9 * ai : ai), 6);
      }
    }
  });
});
