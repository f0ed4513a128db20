import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installKernels, uninstallKernels } from './install.js';

/** The slice by its definition, on a plain array. */
function referenceSlice(
  values: number[],
  shape: number[],
  begin: number[],
  size: number[],
): number[] {
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const out: number[] = [];
  const walk = (d: number, offset: number) => {
    if (d === shape.length) {
      out.push(values[offset]!);
      return;
    }
    for (let i = 0; i < size[d]!; i++) walk(d + 1, offset + (begin[d]! + i) * strides[d]!);
  };
  walk(0, 0);
  return out;
}

const CASES: { shape: number[]; begin: number[]; size: number[] }[] = [
  { shape: [17], begin: [3], size: [9] },
  { shape: [50, 7], begin: [10, 0], size: [13, 7] }, // a batch of rows: contiguous
  { shape: [9, 7], begin: [2, 3], size: [4, 3] },
  { shape: [4, 5, 6], begin: [1, 2, 1], size: [2, 3, 4] },
  { shape: [3, 4, 5, 2], begin: [1, 0, 2, 0], size: [2, 4, 3, 2] },
  { shape: [3, 4, 5, 2], begin: [0, 1, 0, 1], size: [-1, 2, -1, 1] },
];

describe('Slice with installKernels()', () => {
  beforeEach(() => {
    installKernels();
  });
  afterEach(() => {
    uninstallKernels();
  });

  for (const { shape, begin, size } of CASES) {
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      it(`${dtype} ${JSON.stringify(shape)} from ${JSON.stringify(begin)} size ${JSON.stringify(size)}`, async () => {
        const n = shape.reduce((a, b) => a * b, 1);
        const values = Array.from({ length: n }, (_, i) =>
          dtype === 'bool'
            ? (i * 7) % 3 === 0
              ? 1
              : 0
            : dtype === 'int32'
              ? i * 3 - 40
              : i * 0.25 - 3,
        );
        const x = tf.tensor(values, shape, dtype);
        const full = size.map((s, d) => (s === -1 ? shape[d]! - begin[d]! : s));
        const before = tf.memory().numTensors;
        const y = tf.slice(x, begin, size);
        expect(y.shape).toEqual(full);
        expect(y.dtype).toBe(dtype);
        expect(Array.from(await y.data())).toEqual(referenceSlice(values, shape, begin, full));
        y.dispose();
        expect(tf.memory().numTensors).toBe(before);
        // The input is untouched.
        expect(Array.from(await x.data())).toEqual(values);
        x.dispose();
      });
    }
  }
});
