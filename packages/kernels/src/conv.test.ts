import { InvalidArgumentError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testBackend } from '../../../test/backend.js';
import { type ConvFilterGradientOptions, conv2dFilterGradient } from './conv-filter.js';
import { type ConvPad, convInfo } from './conv-info.js';
import { installKernels, uninstallKernels } from './install.js';
import {
  expectClose,
  randomTensor,
  referenceConvGrads,
  referenceConvGradsAt,
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

  // The backprop kernels as the engine calls them, on what the layers' tests do not reach:
  // explicit and numeric padding (with each rounding mode), uneven strides, even and
  // oversized filters, 1x1 filters, an empty batch.
  const EDGE_CASES: {
    x: number[];
    filter: number[];
    strides: [number, number];
    pad: ConvPad;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  }[] = [
    {
      x: [1, 8, 8, 2],
      filter: [3, 3, 2, 2],
      strides: [1, 1],
      pad: [
        [0, 0],
        [1, 2],
        [0, 1],
        [0, 0],
      ],
    },
    {
      x: [1, 8, 8, 2],
      filter: [3, 3, 2, 2],
      strides: [2, 2],
      pad: [
        [0, 0],
        [2, 0],
        [3, 1],
        [0, 0],
      ],
    },
    {
      x: [1, 8, 8, 2],
      filter: [3, 3, 2, 2],
      strides: [1, 1],
      pad: [
        [0, 0],
        [3, 3],
        [0, 4],
        [0, 0],
      ],
    },
    { x: [1, 8, 8, 2], filter: [3, 3, 2, 2], strides: [1, 1], pad: 1 },
    { x: [1, 8, 8, 2], filter: [3, 3, 2, 2], strides: [2, 2], pad: 1, dimRoundingMode: 'floor' },
    { x: [1, 8, 8, 2], filter: [3, 3, 2, 2], strides: [2, 2], pad: 1, dimRoundingMode: 'ceil' },
    { x: [1, 8, 8, 2], filter: [3, 3, 2, 2], strides: [2, 2], pad: 1, dimRoundingMode: 'round' },
    { x: [2, 7, 6, 3], filter: [2, 4, 3, 4], strides: [2, 3], pad: 'same' },
    { x: [2, 7, 6, 3], filter: [4, 3, 3, 4], strides: [1, 1], pad: 'same' },
    { x: [2, 7, 6, 3], filter: [3, 3, 3, 4], strides: [3, 2], pad: 'valid' },
    { x: [1, 3, 2, 2], filter: [5, 4, 2, 3], strides: [1, 1], pad: 'same' },
    { x: [1, 5, 5, 1], filter: [1, 1, 1, 3], strides: [3, 3], pad: 'same' },
    { x: [1, 5, 5, 1], filter: [5, 5, 1, 3], strides: [1, 1], pad: 'valid' },
    { x: [0, 5, 5, 2], filter: [3, 3, 2, 3], strides: [1, 1], pad: 'same' },
  ];

  for (const { x: xShape, filter: filterShape, strides, pad, dimRoundingMode } of EDGE_CASES) {
    it(`Conv2DBackpropFilter and Conv2DBackpropInput match the definition: x ${JSON.stringify(xShape)}, filter ${JSON.stringify(filterShape)}, strides ${strides}, pad ${JSON.stringify(pad)}${dimRoundingMode ? `, ${dimRoundingMode}` : ''}`, async () => {
      const info = convInfo(xShape, filterShape, strides, pad, dimRoundingMode);
      const dyShape = [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
      const x = randomTensor(xShape, 60);
      const filter = randomTensor(filterShape, 61);
      const dy = randomTensor(dyShape, 62);
      const ref = referenceConvGradsAt(
        (await x.data()) as Float32Array,
        xShape,
        (await filter.data()) as Float32Array,
        filterShape,
        (await dy.data()) as Float32Array,
        dyShape,
        strides,
        [info.padInfo.top, info.padInfo.left],
      );
      const attrs = { strides, pad, dataFormat: 'NHWC', dimRoundingMode };
      const before = tf.memory().numTensors;
      for (let rep = 0; rep < 2; rep++) {
        // Dirty the heap first: an output the kernel leaves unwritten then shows.
        tf.dispose(tf.fill([ref.dW.length + 16], 7));
        const dW = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, {
          ...attrs,
          filterShape,
        } as unknown as tf.NamedAttrMap) as tf.Tensor;
        expect(dW.shape).toEqual(filterShape);
        expectClose(await dW.data(), ref.dW, 1e-5);
        const dx = tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter }, {
          ...attrs,
          inputShape: xShape,
        } as unknown as tf.NamedAttrMap) as tf.Tensor;
        expect(dx.shape).toEqual(xShape);
        expectClose(await dx.data(), ref.dx, 1e-5);
        tf.dispose([dW, dx]);
      }
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, filter, dy]);
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

  it('an empty batch gives a zero filter gradient (alone, and as the one kernel installed)', async () => {
    const x = tf.zeros([0, 5, 5, 2]) as tf.Tensor4D;
    const dy = tf.zeros([0, 5, 5, 3]) as tf.Tensor4D;
    const zeros = new Array(3 * 3 * 2 * 3).fill(0);
    const before = tf.memory().numTensors;
    // Dirty the heap first: an output left unwritten then shows.
    tf.dispose(tf.fill([zeros.length + 16], 7));
    const dW = conv2dFilterGradient(x, dy, [3, 3, 2, 3], { pad: 'same' });
    expect(Array.from(await dW.data())).toEqual(zeros);
    dW.dispose();
    installKernels({ kernels: ['Conv2DBackpropFilter'] });
    try {
      tf.dispose(tf.fill([zeros.length + 16], 7));
      const kernel = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, {
        strides: 1,
        pad: 'same',
        dataFormat: 'NHWC',
        filterShape: [3, 3, 2, 3],
      } as unknown as tf.NamedAttrMap) as tf.Tensor;
      expect(Array.from(await kernel.data())).toEqual(zeros);
      kernel.dispose();
    } finally {
      uninstallKernels();
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, dy]);
  });

  it('refuses bad filter shapes, strides, padding and options, naming them, before any work', () => {
    const x = tf.zeros([1, 5, 5, 2]) as tf.Tensor4D;
    const dy = tf.zeros([1, 5, 5, 3]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const call = (filterShape: number[], options: unknown) => () =>
      conv2dFilterGradient(
        x,
        dy,
        filterShape as [number, number, number, number],
        options as ConvFilterGradientOptions,
      );
    const f = [3, 3, 2, 3];
    for (const [thrower, message] of [
      [call([3, 3, 1, 3], { pad: 'same' }), "filterShape[2] must be the input's channel count 2"],
      [call([3, 3, 2], { pad: 'same' }), 'filterShape must be [kH, kW, C, F], got [3,3,2]'],
      [call([0, 3, 2, 3], { pad: 'same' }), 'filterShape[0] must be an integer >= 1, got 0'],
      [call(f, { pad: 'same', strides: 0 }), 'options.strides must be an integer >= 1, got 0'],
      [call(f, { pad: 'same', strides: [1, 1.5] }), 'options.strides[1] must be an integer >= 1'],
      [call(f, { pad: 'bogus' }), "options.pad must be one of 'same', 'valid', got \"bogus\""],
      [call(f, { pad: -1 }), 'options.pad must be an integer >= 0, got -1'],
      [
        call(f, {
          pad: [
            [0, 0],
            [1, 1],
            [1, -1],
            [0, 0],
          ],
        }),
        'options.pad must be [[0, 0], [top, bottom]',
      ],
      [
        call(f, { pad: 1, dimRoundingMode: 'up' }),
        "options.dimRoundingMode must be one of 'floor'",
      ],
      [
        call(f, { pad: 'same', stride: 2 }),
        "options.stride must be not set: 'stride' is not an option",
      ],
      [call(f, undefined), "options must be an options object with 'pad', got undefined"],
    ] as const) {
      expect(thrower).toThrow(InvalidArgumentError);
      expect(thrower).toThrow(message);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, dy]);
  });

  it('refuses a dy that is not the conv output shape, naming both', () => {
    const x = tf.zeros([1, 5, 5, 1]) as tf.Tensor4D;
    const dy = tf.zeros([1, 4, 4, 2]) as tf.Tensor4D;
    expect(() => conv2dFilterGradient(x, dy, [3, 3, 1, 2], { pad: 'same' })).toThrow(
      'dy.shape must be [1, 5, 5, 2]',
    );
    tf.dispose([x, dy]);
  });
});
