import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { onWasm, testBackend, tolerance } from '../../../test/backend.js';
import { OverfitError } from './errors.js';
import {
  assertGradientsRegistered,
  conv2dFilterGradient,
  enableConvTrainingFallback,
} from './gradients.js';
import { cnn } from './models/cnn.js';
import { Rng } from './rng.js';

function randomTensor(shape: number[], rng: Rng): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: size }, () => rng.uniform(-1, 1)),
    shape,
  );
}

/** dW by the definition, in float64, with TensorFlow's padding rule written out by hand. */
function referenceFilterGradient(
  x: Float32Array,
  [n, h, w, c]: [number, number, number, number],
  dy: Float32Array,
  [kh, kw, f]: [number, number, number],
  stride: number,
  pad: 'same' | 'valid',
): Float64Array {
  const outH = pad === 'same' ? Math.ceil(h / stride) : Math.ceil((h - kh + 1) / stride);
  const outW = pad === 'same' ? Math.ceil(w / stride) : Math.ceil((w - kw + 1) / stride);
  const top = pad === 'same' ? Math.floor(Math.max((outH - 1) * stride + kh - h, 0) / 2) : 0;
  const left = pad === 'same' ? Math.floor(Math.max((outW - 1) * stride + kw - w, 0) / 2) : 0;
  const dW = new Float64Array(kh * kw * c * f);
  for (let b = 0; b < n; b++)
    for (let p = 0; p < outH; p++)
      for (let q = 0; q < outW; q++)
        for (let i = 0; i < kh; i++)
          for (let j = 0; j < kw; j++) {
            const r = p * stride + i - top;
            const s = q * stride + j - left;
            if (r < 0 || r >= h || s < 0 || s >= w) continue;
            for (let ch = 0; ch < c; ch++)
              for (let o = 0; o < f; o++) {
                dW[((i * kw + j) * c + ch) * f + o]! +=
                  x[((b * h + r) * w + s) * c + ch]! * dy[((b * outH + p) * outW + q) * f + o]!;
              }
          }
  return dW;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number): void {
  expect(actual.length).toBe(expected.length);
  const scale = Math.max(...Array.from(expected, Math.abs));
  for (let k = 0; k < expected.length; k++)
    expect(Math.abs(actual[k]! - expected[k]!)).toBeLessThanOrEqual(rel * scale);
}

const CASES = [
  { stride: 1, pad: 'same' as const },
  { stride: 1, pad: 'valid' as const },
  { stride: 2, pad: 'same' as const },
  { stride: 2, pad: 'valid' as const },
];

describe('assertGradientsRegistered', () => {
  it('passes when tfjs gradients are registered', () => {
    expect(() => assertGradientsRegistered()).not.toThrow();
  });

  it('names the imports that fix a missing gradient registry', () => {
    const original = tf.getGradient('RealDiv')!;
    tf.registerGradient({ kernelName: 'RealDiv' } as tf.GradConfig);
    try {
      expect(() => assertGradientsRegistered()).toThrow(OverfitError);
      expect(() => assertGradientsRegistered()).toThrow(
        /import '@tensorflow\/tfjs'.*register_all_gradients/,
      );
    } finally {
      tf.registerGradient(original);
    }
    expect(() => assertGradientsRegistered()).not.toThrow();
  });
});

describe('conv2dFilterGradient', () => {
  for (const { stride, pad } of CASES) {
    it(`equals the definition for stride ${stride}, '${pad}' padding`, async () => {
      const rng = new Rng(stride * 10 + pad.length);
      const xShape: [number, number, number, number] = [2, 7, 6, 3];
      const filterShape: [number, number, number, number] = [3, 2, 3, 4];
      const outH = pad === 'same' ? Math.ceil(7 / stride) : Math.ceil(5 / stride);
      const outW = pad === 'same' ? Math.ceil(6 / stride) : Math.ceil(5 / stride);
      const x = randomTensor(xShape, rng) as tf.Tensor4D;
      const dy = randomTensor([2, outH, outW, 4], rng) as tf.Tensor4D;
      const dW = conv2dFilterGradient(x, dy, filterShape, { strides: stride, pad });
      expect(dW.shape).toEqual(filterShape);
      const expected = referenceFilterGradient(
        (await x.data()) as Float32Array,
        xShape,
        (await dy.data()) as Float32Array,
        [3, 2, 4],
        stride,
        pad,
      );
      expectClose(await dW.data(), expected, tolerance);
      tf.dispose([x, dy, dW]);
    });
  }

  it('leaks no tensors and rejects a dy of the wrong shape', () => {
    const x = tf.ones([1, 5, 5, 2]) as tf.Tensor4D;
    const dy = tf.ones([1, 3, 3, 2]) as tf.Tensor4D;
    tf.dispose(conv2dFilterGradient(x, dy, [3, 3, 2, 2], { pad: 'valid' }));
    const before = tf.memory().numTensors;
    for (let k = 0; k < 3; k++)
      tf.dispose(conv2dFilterGradient(x, dy, [3, 3, 2, 2], { pad: 'valid' }));
    expect(tf.memory().numTensors).toBe(before);
    expect(() => conv2dFilterGradient(x, dy, [3, 3, 2, 2], { pad: 'same' })).toThrow(
      'dy.shape must be [1, 5, 5, 2]',
    );
    tf.dispose([x, dy]);
  });
});

describe('enableConvTrainingFallback', () => {
  it('gives every registered backend a Conv2DBackpropFilter kernel, once', () => {
    const names = Object.keys(tf.engine().registryFactory);
    const lacking = names.filter(
      (name) => tf.getKernel('Conv2DBackpropFilter', name) === undefined,
    );
    // tfjs-backend-wasm 4.22 ships without the kernel (setup-tfjs registers wasm in both projects).
    expect(lacking).toEqual(['wasm']);
    expect(enableConvTrainingFallback()).toEqual(['wasm']);
    for (const name of names) expect(tf.getKernel('Conv2DBackpropFilter', name)).toBeDefined();
    expect(enableConvTrainingFallback()).toEqual([]);
  });

  for (const { stride, pad } of CASES) {
    it(`makes tf.grad of conv2d and fused conv2d agree with central differences (stride ${stride}, '${pad}')`, async () => {
      enableConvTrainingFallback();
      const rng = new Rng(100 + stride);
      const x = randomTensor([2, 6, 5, 2], rng) as tf.Tensor4D;
      const w = randomTensor([3, 3, 2, 3], rng) as tf.Tensor4D;
      const bias = randomTensor([3], rng) as tf.Tensor1D;
      const outShape = [
        2,
        pad === 'same' ? Math.ceil(6 / stride) : Math.ceil(4 / stride),
        pad === 'same' ? Math.ceil(5 / stride) : Math.ceil(3 / stride),
        3,
      ];
      const r = randomTensor(outShape, rng);
      // L(W) = sum(conv(x, W) * r) is linear in W, so central differences are exact up to rounding.
      const loss = (filter: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2d(x, filter as tf.Tensor4D, stride, pad), r));
      const fusedLoss = (filter: tf.Tensor) =>
        tf.sum(
          tf.mul(
            tf.fused.conv2d({ x, filter: filter as tf.Tensor4D, strides: stride, pad, bias }),
            r,
          ),
        );
      const before = tf.memory().numTensors;
      const grad = tf.grad(loss)(w);
      const fusedGrad = tf.grad(fusedLoss)(w);
      const g = await grad.data();
      expectClose(await fusedGrad.data(), g, tolerance);
      const wValues = await w.data();
      const h = 1e-2;
      for (const k of [0, 7, 20, 33, 53]) {
        const at = (delta: number) => {
          const shifted = Float32Array.from(wValues);
          shifted[k]! += delta;
          return tf.tidy(() => loss(tf.tensor4d(shifted, w.shape)).dataSync()[0]!);
        };
        const numeric = (at(h) - at(-h)) / (2 * h);
        expect(Math.abs(numeric - g[k]!)).toBeLessThan(2e-3 * Math.max(1, Math.abs(g[k]!)));
      }
      tf.dispose([grad, fusedGrad]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, w, bias, r]);
    });
  }

  it.runIf(onWasm)(
    'trains the course CNN on wasm with the same gradients as the cpu backend',
    async () => {
      enableConvTrainingFallback();
      const model = cnn({
        inputShape: [9, 9, 1],
        filters: [3, 4],
        denseUnits: 6,
        dropout: 0,
        outputUnits: 3,
        seed: 5,
      });
      const rng = new Rng(6);
      const x = randomTensor([4, 9, 9, 1], rng);
      const labels = tf.oneHot(tf.tensor1d([0, 2, 1, 2], 'int32'), 3);
      const gradsOn = async (backend: string) => {
        expect(await tf.setBackend(backend)).toBe(true);
        const { value, grads } = tf.variableGrads(
          () =>
            tf.losses.softmaxCrossEntropy(
              labels,
              model.apply(x, { training: true }) as tf.Tensor,
            ) as tf.Scalar,
        );
        const out = {
          loss: (await value.data())[0]!,
          grads: Object.fromEntries(
            await Promise.all(
              Object.entries(grads).map(async ([k, t]) => [k, await t.data()] as const),
            ),
          ),
        };
        tf.dispose([value, ...Object.values(grads)]);
        return out;
      };
      const onTest = await gradsOn(testBackend);
      const onCpu = await gradsOn('cpu');
      await tf.setBackend(testBackend);
      expect(Object.keys(onTest.grads).sort()).toEqual(
        model.trainableWeights.map((v) => v.name).sort(),
      );
      expect(onTest.loss).toBeCloseTo(onCpu.loss, 4);
      for (const [name, g] of Object.entries(onCpu.grads))
        expectClose(onTest.grads[name]!, g, tolerance);
      tf.dispose([x, labels]);
      model.dispose();
    },
  );
});
