import {
  InvalidArgumentError,
  SeparableResample,
  type SeparableResampleAttrs,
} from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testBackend } from '../../../test/backend.js';
import { installKernels, uninstallKernels } from './install.js';
import { expectClose, randomTensor } from './test-reference.js';

/** Two images 5x4x2 resampled to 3x6: per image its own taps (rows, then columns). */
function attrsFor(n: number, oh: number, ow: number, h: number, w: number): SeparableResampleAttrs {
  const axis = (count: number, size: number, shift: number) => {
    const lo = new Int32Array(count);
    const hi = new Int32Array(count);
    const frac = new Float32Array(count);
    for (let k = 0; k < count; k++) {
      lo[k] = (k + shift) % size;
      hi[k] = Math.min(lo[k]! + 1, size - 1);
      frac[k] = ((k * 7 + shift) % 10) / 10;
    }
    return { lo, hi, frac };
  };
  const rows = axis(n * oh, h, 1);
  const cols = axis(n * ow, w, 2);
  return {
    outHeight: oh,
    outWidth: ow,
    rowLo: rows.lo,
    rowHi: rows.hi,
    rowFrac: rows.frac,
    colLo: cols.lo,
    colHi: cols.hi,
    colFrac: cols.frac,
  };
}

const run = (images: tf.Tensor, attrs: SeparableResampleAttrs) =>
  tf
    .engine()
    .runKernel(SeparableResample, { images }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;

describe(`OverfitSeparableResample (${testBackend})`, () => {
  beforeEach(() => {
    installKernels();
  });
  afterEach(() => {
    uninstallKernels();
  });

  it('is lerp(lerp(rows), lerp(rows), column fraction) per output value, as core documents', async () => {
    const [n, h, w, c, oh, ow] = [2, 5, 4, 2, 3, 6];
    const images = randomTensor([n, h, w, c], 70);
    const attrs = attrsFor(n, oh, ow, h, w);
    const x = await images.data();
    const expected = new Float64Array(n * oh * ow * c);
    const lerp = (a: number, b: number, f: number) => a + (b - a) * f;
    for (let b = 0; b < n; b++)
      for (let r = 0; r < oh; r++)
        for (let q = 0; q < ow; q++)
          for (let ch = 0; ch < c; ch++) {
            const row = b * oh + r;
            const col = b * ow + q;
            const at = (y: number, xx: number) => x[((b * h + y) * w + xx) * c + ch]!;
            const [y0, y1, fy] = [attrs.rowLo[row]!, attrs.rowHi[row]!, attrs.rowFrac[row]!];
            const [x0, x1, fx] = [attrs.colLo[col]!, attrs.colHi[col]!, attrs.colFrac[col]!];
            const left = lerp(at(y0, x0), at(y1, x0), fy);
            const right = lerp(at(y0, x1), at(y1, x1), fy);
            expected[((b * oh + r) * ow + q) * c + ch] = lerp(left, right, fx);
          }
    const before = tf.memory().numTensors;
    const out = run(images, attrs);
    expect(out.shape).toEqual([n, oh, ow, c]);
    expectClose(await out.data(), expected, 1e-6);
    out.dispose();
    expect(tf.memory().numTensors).toBe(before);
    images.dispose();
  });

  it('refuses taps outside the image, short tap arrays and non-float32 images, naming them, before allocating', () => {
    const images = randomTensor([2, 5, 4, 2], 71);
    const good = attrsFor(2, 3, 6, 5, 4);
    const before = tf.memory().numTensors;
    const colHi = Int32Array.from(good.colHi);
    colHi[7] = 4;
    expect(() => run(images, { ...good, colHi })).toThrow(InvalidArgumentError);
    expect(() => run(images, { ...good, colHi })).toThrow(
      'OverfitSeparableResample attrs.colHi[7] must be an integer in [0, 3]',
    );
    const rowLo = Int32Array.from(good.rowLo);
    rowLo[0] = -1;
    expect(() => run(images, { ...good, rowLo })).toThrow('attrs.rowLo[0] must be');
    expect(() => run(images, { ...good, rowFrac: good.rowFrac.subarray(0, 5) })).toThrow(
      'attrs.rowFrac.length must be at least 6',
    );
    const ints = tf.cast(images, 'int32');
    const withInts = tf.memory().numTensors;
    expect(() => run(ints, good)).toThrow('images.dtype must be \'float32\', got "int32"');
    expect(tf.memory().numTensors).toBe(withInts);
    ints.dispose();
    expect(tf.memory().numTensors).toBe(before);
    images.dispose();
  });
});
