import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { onWasm } from '../../../test/backend.js';
import { installKernels, uninstallKernels } from './install.js';
import { expectClose, randomTensor, referenceMatMul } from './test-reference.js';

// Shapes chosen odd on purpose (no multiple of a SIMD width), rank 2 and 3, batch 1 and > 1,
// and a batch broadcast from one side.
const SHAPES: { a: number[]; b: number[] }[] = [
  { a: [7, 5], b: [5, 3] },
  { a: [1, 13], b: [13, 1] },
  { a: [1, 9, 6], b: [1, 6, 4] },
  { a: [3, 9, 6], b: [3, 6, 4] },
  { a: [3, 9, 6], b: [6, 4] },
  { a: [9, 6], b: [2, 6, 4] },
  { a: [1, 9, 6], b: [3, 6, 4] },
];

function operandShape(shape: number[], transposed: boolean): number[] {
  if (!transposed) return shape;
  const s = [...shape];
  [s[s.length - 2], s[s.length - 1]] = [s[s.length - 1]!, s[s.length - 2]!];
  return s;
}

describe('BatchMatMul with installKernels()', () => {
  beforeEach(() => {
    installKernels();
  });
  afterEach(() => {
    uninstallKernels();
  });

  for (const { a: aLogical, b: bLogical } of SHAPES) {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        it(`${JSON.stringify(aLogical)} x ${JSON.stringify(bLogical)}, transposeA ${transposeA}, transposeB ${transposeB}`, async () => {
          const aShape = operandShape(aLogical, transposeA);
          const bShape = operandShape(bLogical, transposeB);
          const a = randomTensor(aShape, 1);
          const b = randomTensor(bShape, 2);
          const expected = referenceMatMul(
            (await a.data()) as Float32Array,
            aShape,
            (await b.data()) as Float32Array,
            bShape,
            transposeA,
            transposeB,
          );
          const before = tf.memory().numTensors;
          for (let rep = 0; rep < 2; rep++) {
            const out = tf.matMul(a, b, transposeA, transposeB);
            expect(out.shape).toEqual(expected.shape);
            expectClose(await out.data(), expected.values, 1e-5);
            out.dispose();
          }
          // The fused matMul (bias + relu) takes the same path for transposed operands.
          const n = expected.shape.at(-1)!;
          const bias = randomTensor([n], 3);
          const fused = tf.fused.matMul({ a, b, transposeA, transposeB, bias, activation: 'relu' });
          const biasValues = await bias.data();
          const withBias = expected.values.map((v, k) => Math.max(0, v + biasValues[k % n]!));
          expectClose(await fused.data(), withBias, 1e-5);
          tf.dispose([fused, bias]);
          expect(tf.memory().numTensors).toBe(before);
          tf.dispose([a, b]);
        });
      }
    }
  }

  // Logical shapes [..., m, k] x [..., k, n]: batch axes of rank 2 broadcast from either side
  // and on several axes at once, size-1 and size-0 dims. `cpuWrong`: tfjs' cpu kernel returns
  // too few values there (it multiplies max(batchA, batchB) pairs), so it runs on wasm only,
  // where the installed kernel is checked. `unfusable`: tfjs' fused.matMul op flattens the batch
  // axes of each operand first and then refuses them.
  const EDGE_SHAPES: { a: number[]; b: number[]; cpuWrong?: boolean; unfusable?: boolean }[] = [
    { a: [2, 3, 4, 5], b: [2, 3, 5, 6] },
    { a: [1, 1, 4, 5], b: [2, 3, 5, 6] },
    { a: [2, 3, 4, 5], b: [5, 6] },
    { a: [2, 1, 4, 5], b: [1, 3, 5, 6], cpuWrong: true, unfusable: true },
    { a: [3, 1, 4, 5], b: [2, 5, 6], cpuWrong: true, unfusable: true },
    { a: [1, 4, 5], b: [1, 1, 5, 6] },
    { a: [3, 1, 1], b: [3, 1, 1] },
    { a: [3, 0], b: [0, 4] }, // inner size 0: zeros
    { a: [2, 3, 0], b: [2, 0, 4] },
    { a: [0, 5], b: [5, 3] },
    { a: [4, 5], b: [5, 0] },
    { a: [0, 3, 4], b: [0, 4, 2] }, // empty batch
    { a: [0, 3, 4], b: [4, 2], cpuWrong: true },
  ];

  for (const { a: aLogical, b: bLogical, cpuWrong, unfusable } of EDGE_SHAPES) {
    for (const [transposeA, transposeB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      it.skipIf(cpuWrong && !onWasm)(
        `${JSON.stringify(aLogical)} x ${JSON.stringify(bLogical)}, transposeA ${transposeA}, transposeB ${transposeB}: the definition${unfusable ? '' : ', fused too'}`,
        async () => {
          const aShape = operandShape(aLogical, transposeA);
          const bShape = operandShape(bLogical, transposeB);
          const a = randomTensor(aShape, 6);
          const b = randomTensor(bShape, 7);
          const expected = referenceMatMul(
            (await a.data()) as Float32Array,
            aShape,
            (await b.data()) as Float32Array,
            bShape,
            transposeA,
            transposeB,
          );
          const n = expected.shape.at(-1)!;
          const bias = randomTensor([n], 8);
          const biasValues = await bias.data();
          const before = tf.memory().numTensors;
          for (let rep = 0; rep < 2; rep++) {
            // Dirty the heap first: an output the kernel leaves unwritten then shows.
            tf.dispose(tf.fill([expected.values.length + 16], 7));
            const out = tf.matMul(a, b, transposeA, transposeB);
            expect(out.shape).toEqual(expected.shape);
            expectClose(await out.data(), expected.values, 1e-5);
            out.dispose();
            if (unfusable) continue;
            tf.dispose(tf.fill([expected.values.length + 16], 7));
            const fused = tf.fused.matMul({
              a,
              b,
              transposeA,
              transposeB,
              bias,
              activation: 'relu',
            });
            expect(fused.shape).toEqual(expected.shape);
            const withBias = expected.values.map((v, k) => Math.max(0, v + biasValues[k % n]!));
            expectClose(await fused.data(), withBias, 1e-5);
            fused.dispose();
          }
          expect(tf.memory().numTensors).toBe(before);
          tf.dispose([a, b, bias]);
        },
      );
    }
  }

  it('gives the same dense-layer gradients as tfjs itself', async () => {
    const x = randomTensor([5, 7], 4);
    const w = randomTensor([7, 3], 5);
    const loss = (wt: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, wt)));
    const withKernels = await tf.grad(loss)(w).data();
    uninstallKernels();
    const stock = await tf.grad(loss)(w).data();
    expectClose(withKernels, stock, 1e-5);
    tf.dispose([x, w]);
  });
});
