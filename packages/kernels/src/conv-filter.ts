import {
  checkInteger,
  checkKnownKeys,
  checkOneOf,
  InvalidArgumentError,
  UnsupportedBackendError,
} from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { asTensor, callKernel, type KernelArgs, release, reshapeInfo } from './backend-calls.js';
import { type ConvPad, convInfo } from './conv-info.js';
import { hostMemory } from './host.js';
import { im2colTransposed } from './im2col.js';

/** How the filter gradient is strided and padded (what `tf.conv2d` took). */
export interface ConvFilterGradientOptions {
  strides?: number | [number, number];
  pad: ConvPad;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * Gradient of a 2-D convolution's loss with respect to its filter, built only from ops every
 * backend has (pad, slice / strided slice, matMul, stack); NHWC, dilation 1:
 *
 * `dW[i, j, c, f] = sum_{n, p, q} xPad[n, p*sH + i, q*sW + j, c] * dy[n, p, q, f]`
 *
 * computed as one `[kH * kW * C, M] x [M, F]` matMul (`M = N * outH * outW`) over the filter taps'
 * patches of the channels-first padded input, stacked.
 * It is the `Conv2DBackpropFilter` kernel that `installKernels()` gives backends lacking one.
 *
 * @param x the conv input `[N, H, W, C]`
 * @param dy the gradient of the loss w.r.t. the conv output `[N, outH, outW, F]`
 * @param filterShape `[kH, kW, C, F]`
 * @param options `pad`: `'same'`, `'valid'`, an integer >= 0 or explicit
 *   `[[0, 0], [top, bottom], [left, right], [0, 0]]`; `strides` (default 1): a positive integer
 *   or `[sH, sW]`; `dimRoundingMode` for a numeric pad. Bad arguments throw
 *   `InvalidArgumentError` before any work.
 * @example
 * const dW = conv2dFilterGradient(x, dy, [3, 3, 1, 8], { strides: 1, pad: 'same' });
 */
export function conv2dFilterGradient(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  options: ConvFilterGradientOptions,
): tf.Tensor4D {
  checkFilterGradientArgs(x, filterShape, options);
  const strides = options.strides ?? 1;
  const info = convInfo(x.shape, filterShape, strides, options.pad, options.dimRoundingMode);
  const {
    batchSize: n,
    inChannels: c,
    outHeight: outH,
    outWidth: outW,
    outChannels: f,
    strideHeight: sh,
    strideWidth: sw,
  } = info;
  const expected = [n, outH, outW, f];
  if (x.rank !== 4 || dy.rank !== 4 || dy.shape.some((d, i) => d !== expected[i])) {
    throw new InvalidArgumentError(
      'dy.shape',
      dy.shape,
      `[${expected.join(', ')}] (the conv output shape for x [${x.shape.join(', ')}] and filter [${filterShape.join(', ')}])`,
    );
  }
  const [kh, kw] = filterShape;
  const { top, bottom, left, right } = info.padInfo;
  // A sum over no output position (an empty batch or output) is zero; wasm's matMul leaves an
  // inner size of 0 uninitialized.
  if (n * outH * outW === 0) return tf.zeros(filterShape);
  return tf.tidy(() => {
    const xPad =
      top + bottom + left + right > 0
        ? tf.pad(x, [
            [0, 0],
            [top, bottom],
            [left, right],
            [0, 0],
          ])
        : x;
    // Channels first, once: each tap's patch then reshapes straight to [C, M], and the matMul
    // needs no transposeA (wasm's transposed matMul is ~6x slower than transposing first).
    const xCnhw = tf.transpose(xPad, [3, 0, 1, 2]);
    const m = n * outH * outW;
    const taps: tf.Tensor2D[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const patch =
          sh === 1 && sw === 1
            ? tf.slice(xCnhw, [0, 0, i, j], [c, n, outH, outW])
            : tf.stridedSlice(
                xCnhw,
                [0, 0, i, j],
                [c, n, i + (outH - 1) * sh + 1, j + (outW - 1) * sw + 1],
                [1, 1, sh, sw],
              );
        taps.push(tf.reshape(patch, [c, m]));
      }
    }
    // One product for all taps: a matMul packs its right operand each call, once is enough.
    return tf.reshape(
      tf.matMul(tf.concat(taps, 0), tf.reshape(dy, [m, f])),
      filterShape,
    ) as tf.Tensor4D;
  });
}

/** The arguments of {@link conv2dFilterGradient}, checked before any work starts. */
function checkFilterGradientArgs(
  x: tf.Tensor4D,
  filterShape: readonly number[],
  options: ConvFilterGradientOptions,
): void {
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError('options', options, "an options object with 'pad'");
  }
  checkKnownKeys('options', options, ['strides', 'pad', 'dimRoundingMode']);
  if (x.rank !== 4) {
    throw new InvalidArgumentError('x.shape', x.shape, 'of rank 4, [N, H, W, C]');
  }
  if (!Array.isArray(filterShape) || filterShape.length !== 4) {
    throw new InvalidArgumentError('filterShape', filterShape, '[kH, kW, C, F]');
  }
  filterShape.forEach((d, i) => {
    checkInteger(`filterShape[${i}]`, d, { min: i === 2 ? 0 : 1 });
  });
  if (filterShape[2] !== x.shape[3]) {
    throw new InvalidArgumentError(
      'filterShape[2]',
      filterShape[2],
      `the input's channel count ${x.shape[3]} (x is [${x.shape.join(', ')}])`,
    );
  }
  const { strides = 1, pad, dimRoundingMode } = options;
  if (Array.isArray(strides)) {
    if (strides.length !== 2) {
      throw new InvalidArgumentError('options.strides', strides, 'a positive integer or [sH, sW]');
    }
    strides.forEach((s, i) => {
      checkInteger(`options.strides[${i}]`, s);
    });
  } else {
    checkInteger('options.strides', strides);
  }
  if (typeof pad === 'number') {
    checkInteger('options.pad', pad, { min: 0 });
  } else if (Array.isArray(pad)) {
    const explicit =
      pad.length === 4 &&
      pad.every(
        (p) => Array.isArray(p) && p.length === 2 && p.every((v) => Number.isInteger(v) && v >= 0),
      ) &&
      pad[0]!.every((v) => v === 0) &&
      pad[3]!.every((v) => v === 0);
    if (!explicit) {
      throw new InvalidArgumentError(
        'options.pad',
        pad,
        '[[0, 0], [top, bottom], [left, right], [0, 0]] with integers >= 0',
      );
    }
  } else {
    checkOneOf('options.pad', pad, ['same', 'valid'] as const);
  }
  if (dimRoundingMode !== undefined) {
    checkOneOf('options.dimRoundingMode', dimRoundingMode, ['floor', 'round', 'ceil'] as const);
  }
}

/**
 * `Conv2DBackpropFilter` for backends that lack it. On host-memory backends (wasm, cpu): the
 * input unrolled by {@link im2colTransposed} in one pass, then a single plain matMul (which
 * XNNPACK runs on wasm); elsewhere {@link conv2dFilterGradient}.
 */
export function conv2dBackpropFilterKernel(backendName: string): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as KernelArgs;
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
      attrs as unknown as tf.Conv2DBackpropFilterAttrs;
    if (dataFormat === 'NCHW') {
      throw new UnsupportedBackendError(
        `the Conv2DBackpropFilter kernel of @overfit/kernels supports NHWC only (backend '${backendName}'); use channelsLast, or the cpu / webgl / webgpu / tensorflow backends`,
      );
    }
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const host = hostMemory(backendName, backend);
    if (host === undefined) {
      return tf.tidy(() => {
        return conv2dFilterGradient(asTensor(backend, x), asTensor(backend, dy), filterShape, {
          strides,
          pad,
          dimRoundingMode,
        });
      });
    }
    const info = convInfo(x.shape, filterShape, strides, pad, dimRoundingMode);
    const m = info.batchSize * info.outHeight * info.outWidth;
    if (m === 0 || filterShape.some((d) => d === 0)) {
      // Nothing to sum over (or nothing to fill): zeros, as on cpu and in PyTorch.
      return callKernel(tf.Fill, backendName, {
        inputs: {},
        backend,
        attrs: { shape: [...filterShape], value: 0, dtype: 'float32' },
      });
    }
    const temps: tf.TensorInfo[] = [];
    try {
      const cols = im2colTransposed(host, x, info);
      temps.push(cols);
      const dy2 = reshapeInfo(backendName, backend, dy, [m, info.outChannels]);
      temps.push(dy2);
      const product = callKernel(tf.BatchMatMul, backendName, {
        inputs: { a: cols, b: dy2 },
        backend,
        attrs: { transposeA: false, transposeB: false },
      });
      temps.push(product);
      return reshapeInfo(backendName, backend, product, [...filterShape]);
    } finally {
      release(backend, ...temps);
    }
  };
}
