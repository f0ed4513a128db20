import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testBackend } from '../../../test/backend.js';
import { conv2dFilterGradient } from './conv-filter.js';
import { installKernels, uninstallKernels } from './install.js';
import {
  expectClose,
  randomTensor,
  referenceConvGrads,
  referenceMaxPoolGrad,
} from './test-reference.js';

const CASES = [
  { stride: 1, pad: 'same' as const, x: [2, 6, 5, 2], k: 3 },
  { stride: 1, pad: 'valid' as const, x: [2, 6, 5, 2], k: 3 },
  { stride: 2, pad: 'same' as const, x: [2, 7, 6, 3], k: 3 },
  { stride: 2, pad: 'valid' as const, x: [2, 7, 6, 3], k: 3 },
  { stride: 1, pad: 'same' as const, x: [1, 5, 5, 1], k: 2 },
  { stride: 1, pad: 'valid' as const, x: [3, 9, 8, 1], k: 5 },
  { stride: 1, pad: 'same' as const, x: [2, 7, 6, 3], k: [3, 2] },
  { stride: 2, pad: 'valid' as const, x: [2, 7, 6, 3], k: [2, 3] },
];

/** A filter size as [kH, kW] (a number is square). */
const hw = (k: number | number[]) => (typeof k === 'number' ? [k, k] : k);

/** Random x, W and dy for a conv, and its gradients by the definition. */
async function convProblem(
  xShape: number[],
  filterShape: number[],
  stride: number,
  pad: 'same' | 'valid',
  seed: number,
) {
  const x = randomTensor(xShape, seed) as tf.Tensor4D;
  const w = randomTensor(filterShape, seed + 1) as tf.Tensor4D;
  const outShape = tf.tidy(() => tf.conv2d(x, w, stride, pad).shape);
  const dy = randomTensor(outShape, seed + 2) as tf.Tensor4D;
  const ref = referenceConvGrads(
    (await x.data()) as Float32Array,
    xShape,
    (await w.data()) as Float32Array,
    filterShape,
    (await dy.data()) as Float32Array,
    stride,
    pad,
  );
  return { x, w, dy, ref };
}

async function gradsOf(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  dy: tf.Tensor,
  stride: number,
  pad: 'same' | 'valid',
  fused: boolean,
) {
  const bias = tf.zeros([w.shape[3]]) as tf.Tensor1D;
  const conv = (xx: tf.Tensor, ww: tf.Tensor) =>
    fused
      ? tf.fused.conv2d({
          x: xx as tf.Tensor4D,
          filter: ww as tf.Tensor4D,
          strides: stride,
          pad,
          bias,
        })
      : tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, stride, pad);
  const [gx, gw] = tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.mul(conv(xx, ww), dy)))([
    x,
    w,
  ]);
  const out = { dx: await gx!.data(), dW: await gw!.data() };
  tf.dispose([gx!, gw!, bias]);
  return out;
}

describe('conv gradients with installKernels()', () => {
  beforeEach(() => {
    installKernels();
  });
  afterEach(() => {
    uninstallKernels();
  });

  for (const { stride, pad, x: xShape, k } of CASES) {
    for (const fused of [false, true]) {
      it(`dx and dW match the definition: x ${JSON.stringify(xShape)}, ${hw(k).join('x')}, stride ${stride}, '${pad}'${fused ? ', fused conv' : ''}`, async () => {
        const { x, w, dy, ref } = await convProblem(
          xShape,
          [...hw(k), xShape[3]!, 4],
          stride,
          pad,
          10 + stride + hw(k)[0]!,
        );
        const before = tf.memory().numTensors;
        for (let rep = 0; rep < 2; rep++) {
          const got = await gradsOf(x, w, dy, stride, pad, fused);
          expectClose(got.dx, ref.dx, 1e-5);
          expectClose(got.dW, ref.dW, 1e-5);
        }
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose([x, w, dy]);
      });
    }
  }

  for (const { k, stride, pad } of [
    { k: 2, stride: 2, pad: 'valid' as const },
    { k: 3, stride: 1, pad: 'same' as const },
    { k: 3, stride: 2, pad: 'same' as const },
  ]) {
    it(`MaxPoolGrad routes each window's gradient to its first maximum (${hw(k).join('x')}, stride ${stride}, '${pad}')`, async () => {
      const shape = [2, 7, 6, 3];
      // Quantized values make ties within windows common, so the tie rule is exercised.
      const x = tf.tidy(() => tf.round(tf.mul(randomTensor(shape, 40), 3))) as tf.Tensor4D;
      const outShape = tf.tidy(() => tf.maxPool(x, k, stride, pad).shape);
      const dy = randomTensor(outShape, 41);
      const expected = referenceMaxPoolGrad(
        (await x.data()) as Float32Array,
        shape,
        k,
        stride,
        pad,
        (await dy.data()) as Float32Array,
      );
      const before = tf.memory().numTensors;
      const g = tf.grad((xx: tf.Tensor) =>
        tf.sum(tf.mul(tf.maxPool(xx as tf.Tensor4D, k, stride, pad), dy)),
      )(x);
      expectClose(await g.data(), expected, 1e-6);
      g.dispose();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, dy]);
    });
  }

  it('gives every registered backend a Conv2DBackpropFilter kernel, and uninstall takes it back', () => {
    uninstallKernels();
    const names = Object.keys(tf.engine().registryFactory);
    const lacking = names.filter((n) => tf.getKernel(tf.Conv2DBackpropFilter, n) === undefined);
    // tfjs-backend-wasm 4.22 ships without it (setup-tfjs registers wasm in both projects).
    expect(lacking).toEqual(['wasm']);
    installKernels();
    for (const n of names) expect(tf.getKernel(tf.Conv2DBackpropFilter, n)).toBeDefined();
    uninstallKernels();
    expect(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')).toBeUndefined();
  });
});

describe(`conv2dFilterGradient (composite, on ${testBackend})`, () => {
  for (const { stride, pad, x: xShape, k } of CASES) {
    it(`matches the definition: x ${JSON.stringify(xShape)}, ${hw(k).join('x')}, stride ${stride}, '${pad}'`, async () => {
      const filterShape = [...hw(k), xShape[3]!, 3] as [number, number, number, number];
      const { x, w, dy, ref } = await convProblem(xShape, filterShape, stride, pad, 50);
      const before = tf.memory().numTensors;
      const dW = conv2dFilterGradient(x, dy, filterShape, { strides: stride, pad });
      expectClose(await dW.data(), ref.dW, 1e-5);
      dW.dispose();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, w, dy]);
    });
  }

  it('refuses a dy that is not the conv output shape, naming both', () => {
    const x = tf.zeros([1, 5, 5, 1]) as tf.Tensor4D;
    const dy = tf.zeros([1, 4, 4, 2]) as tf.Tensor4D;
    expect(() => conv2dFilterGradient(x, dy, [3, 3, 1, 2], { pad: 'same' })).toThrow(
      'dy.shape must be [1, 5, 5, 2]',
    );
    tf.dispose([x, dy]);
  });
});
