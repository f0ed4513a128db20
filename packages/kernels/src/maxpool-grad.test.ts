import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { onWasm, testBackend } from '../../../test/backend.js';
import { installKernels, uninstallKernels } from './install.js';
import { expectClose } from './test-reference.js';

interface PoolCase {
  name: string;
  shape: [number, number, number, number];
  filterSize: [number, number];
  strides: [number, number];
  pad: 'same' | 'valid';
  /** NHWC, flattened; null is -Infinity. */
  x: (number | null)[];
  dy: number[];
  dx: number[];
}

/** Recorded by fixtures/make_maxpool_grad.py (PyTorch 1.13's max_pool2d backward). */
const FIXTURE = JSON.parse(
  readFileSync(new URL('./fixtures/maxpool-grad.json', import.meta.url), 'utf8'),
) as { cases: PoolCase[] };

/** dL/dx of `L = sum(maxPool(x) * dy)`, through tfjs' gradient (the MaxPoolGrad kernel). */
async function poolGrad(x: tf.Tensor4D, dy: tf.Tensor, c: Omit<PoolCase, 'x' | 'dy' | 'dx'>) {
  const g = tf.grad((xx: tf.Tensor) =>
    tf.sum(tf.mul(tf.maxPool(xx as tf.Tensor4D, c.filterSize, c.strides, c.pad), dy)),
  )(x);
  const values = await g.data();
  g.dispose();
  return values;
}

describe(`MaxPoolGrad (${testBackend}, with installKernels())`, () => {
  beforeEach(() => {
    installKernels();
  });
  afterEach(() => {
    uninstallKernels();
  });

  for (const c of FIXTURE.cases) {
    // tfjs' cpu kernel gives a window of -Infinity's gradient to no cell (PyTorch and the
    // installed wasm kernel: to its first cell).
    const cpuDiffers = c.x.some((v) => v === null);
    it.skipIf(cpuDiffers && !onWasm)(`equals PyTorch: ${c.name}`, async () => {
      const x = tf.tensor4d(
        c.x.map((v) => v ?? Number.NEGATIVE_INFINITY),
        c.shape,
      );
      const outShape = tf.tidy(() => tf.maxPool(x, c.filterSize, c.strides, c.pad).shape);
      const dy = tf.tensor(c.dy, outShape);
      const before = tf.memory().numTensors;
      for (let rep = 0; rep < 2; rep++) expectClose(await poolGrad(x, dy, c), c.dx, 1e-6);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, dy]);
    });
  }

  it("skips NaN, as tfjs' forward max does (a window of NaN alone passes no gradient)", async () => {
    const nan = Number.NaN;
    // 2x2 windows, stride 2: {1, NaN, NaN, 2}, {NaN x4}, {3, NaN, NaN, NaN}, {NaN x4}.
    const x = tf.tensor4d(
      [1, nan, nan, nan, nan, 2, nan, nan, 3, nan, nan, nan, nan, nan, nan, nan],
      [1, 4, 4, 1],
    );
    const y = tf.maxPool(x, 2, 2, 'valid');
    expect(Array.from(await y.data())).toEqual([2, -Infinity, 3, -Infinity]);
    const dy = tf.tensor4d([10, 20, 30, 40], [1, 2, 2, 1]);
    const dx = await poolGrad(x, dy, {
      name: 'nan',
      shape: [1, 4, 4, 1],
      filterSize: [2, 2],
      strides: [2, 2],
      pad: 'valid',
    });
    expect(Array.from(dx)).toEqual([0, 0, 0, 0, 0, 10, 0, 0, 30, 0, 0, 0, 0, 0, 0, 0]);
    tf.dispose([x, y, dy]);
  });
});
