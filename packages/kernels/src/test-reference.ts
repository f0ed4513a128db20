// Float64 references written from the definitions, independent of tfjs, for the kernel specs.

import { Rng } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

export function randomTensor(shape: number[], seed: number): tf.Tensor {
  const rng = new Rng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: size }, () => rng.uniform(-1, 1)),
    shape,
  );
}

/** `|actual - expected| <= rel * max|expected|` elementwise (scale-aware, like allclose on the range). */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rel: number,
): void {
  expect(actual.length).toBe(expected.length);
  let scale = 0;
  for (let k = 0; k < expected.length; k++) scale = Math.max(scale, Math.abs(expected[k]!));
  let worst = 0;
  for (let k = 0; k < expected.length; k++)
    worst = Math.max(worst, Math.abs(actual[k]! - expected[k]!));
  expect(worst).toBeLessThanOrEqual(rel * Math.max(scale, 1e-30));
}

/**
 * Batched matMul with batch axes of any rank broadcast numpy-style (`[2, 1]` with `[3]` is
 * `[2, 3]`), optional transposes; a sum over an inner size of 0 is 0.
 */
export function referenceMatMul(
  a: Float32Array,
  aShape: number[],
  b: Float32Array,
  bShape: number[],
  transposeA: boolean,
  transposeB: boolean,
): { values: Float64Array; shape: number[] } {
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  const rank = Math.max(aBatch.length, bBatch.length);
  const pad = (s: number[]) => [...Array(rank - s.length).fill(1), ...s];
  const [pa, pb] = [pad(aBatch), pad(bBatch)];
  const outBatch = pa.map((d, i) => (d === 1 ? pb[i]! : d));
  const [ar, ac] = aShape.slice(-2) as [number, number];
  const [br, bc] = bShape.slice(-2) as [number, number];
  const m = transposeA ? ac : ar;
  const k = transposeA ? ar : ac;
  const n = transposeB ? br : bc;
  const count = outBatch.reduce((x, y) => x * y, 1);
  const out = new Float64Array(count * m * n);
  for (let t = 0; t < count; t++) {
    // The batch index of the output, then of each operand (size-1 axes stay at 0).
    let rest = t;
    let offA = 0;
    let offB = 0;
    let strideA = 1;
    let strideB = 1;
    for (let d = rank - 1; d >= 0; d--) {
      const i = rest % outBatch[d]!;
      rest = Math.floor(rest / outBatch[d]!);
      offA += (pa[d] === 1 ? 0 : i) * strideA;
      offB += (pb[d] === 1 ? 0 : i) * strideB;
      strideA *= pa[d]!;
      strideB *= pb[d]!;
    }
    offA *= ar * ac;
    offB *= br * bc;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) {
          const av = transposeA ? a[offA + p * ac + i]! : a[offA + i * ac + p]!;
          const bv = transposeB ? b[offB + j * bc + p]! : b[offB + p * bc + j]!;
          sum += av * bv;
        }
        out[(t * m + i) * n + j] = sum;
      }
  }
  return { values: out, shape: [...(rank > 0 ? outBatch : []), m, n] };
}

/** TensorFlow's 'same' / 'valid' padding, written out. */
export function padding(size: number, k: number, stride: number, pad: 'same' | 'valid') {
  const out = pad === 'same' ? Math.ceil(size / stride) : Math.ceil((size - k + 1) / stride);
  const before = pad === 'same' ? Math.floor(Math.max((out - 1) * stride + k - size, 0) / 2) : 0;
  return { out, before };
}

/**
 * The gradients of `L = sum(conv2d(x, W) * dy)` by the definition (NHWC, `[kH, kW, C, F]`):
 * `dx[n, r, s, c] = sum dy[n, p, q, f] W[i, j, c, f]` and `dW[i, j, c, f] = sum x[n, r, s, c] dy[n, p, q, f]`
 * over the taps with `r = p * stride + i - top`, `s = q * stride + j - left`.
 */
export function referenceConvGrads(
  x: Float32Array,
  xShape: number[],
  filter: Float32Array,
  filterShape: number[],
  dy: Float32Array,
  stride: number,
  pad: 'same' | 'valid',
): { dx: Float64Array; dW: Float64Array } {
  const ph = padding(xShape[1]!, filterShape[0]!, stride, pad);
  const pw = padding(xShape[2]!, filterShape[1]!, stride, pad);
  return referenceConvGradsAt(
    x,
    xShape,
    filter,
    filterShape,
    dy,
    [xShape[0]!, ph.out, pw.out, filterShape[3]!],
    [stride, stride],
    [ph.before, pw.before],
  );
}

/**
 * {@link referenceConvGrads} for any output size `dyShape`, strides `[sH, sW]` and the padding
 * before the first row and column `[top, left]` (taps outside the input are zero padding).
 */
export function referenceConvGradsAt(
  x: Float32Array,
  [n, h, w, c]: number[],
  filter: Float32Array,
  [kh, kw, , f]: number[],
  dy: Float32Array,
  [, outH, outW]: number[],
  [sh, sw]: [number, number],
  [top, left]: [number, number],
): { dx: Float64Array; dW: Float64Array } {
  const dx = new Float64Array(n! * h! * w! * c!);
  const dW = new Float64Array(kh! * kw! * c! * f!);
  for (let b = 0; b < n!; b++)
    for (let p = 0; p < outH!; p++)
      for (let q = 0; q < outW!; q++)
        for (let i = 0; i < kh!; i++)
          for (let j = 0; j < kw!; j++) {
            const r = p * sh + i - top;
            const s = q * sw + j - left;
            if (r < 0 || r >= h! || s < 0 || s >= w!) continue;
            for (let ch = 0; ch < c!; ch++)
              for (let o = 0; o < f!; o++) {
                const g = dy[((b * outH! + p) * outW! + q) * f! + o]!;
                const xi = ((b * h! + r) * w! + s) * c! + ch;
                const wi = ((i * kw! + j) * c! + ch) * f! + o;
                dx[xi]! += g * filter[wi]!;
                dW[wi]! += g * x[xi]!;
              }
          }
  return { dx, dW };
}

/** dL/dx of `L = sum(maxPool(x) * dy)`: each window's gradient to its first maximum (row-major). */
export function referenceMaxPoolGrad(
  x: Float32Array,
  [n, h, w, c]: number[],
  k: number,
  stride: number,
  pad: 'same' | 'valid',
  dy: Float32Array,
): Float64Array {
  const ph = padding(h!, k, stride, pad);
  const pw = padding(w!, k, stride, pad);
  const dx = new Float64Array(x.length);
  for (let b = 0; b < n!; b++)
    for (let p = 0; p < ph.out; p++)
      for (let q = 0; q < pw.out; q++)
        for (let ch = 0; ch < c!; ch++) {
          let best = Number.NEGATIVE_INFINITY;
          let at = -1;
          for (let i = 0; i < k; i++)
            for (let j = 0; j < k; j++) {
              const r = p * stride + i - ph.before;
              const s = q * stride + j - pw.before;
              if (r < 0 || r >= h! || s < 0 || s >= w!) continue;
              const idx = ((b * h! + r) * w! + s) * c! + ch;
              if (x[idx]! > best) {
                best = x[idx]!;
                at = idx;
              }
            }
          dx[at]! += dy[((b * ph.out + p) * pw.out + q) * c! + ch]!;
        }
  return dx;
}
