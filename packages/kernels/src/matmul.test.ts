import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
