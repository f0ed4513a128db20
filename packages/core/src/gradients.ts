import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, OverfitError, UnsupportedBackendError } from './errors.js';

/**
 * Throws an {@link OverfitError} unless tfjs' gradient functions are registered.
 *
 * `@tensorflow/tfjs-core` alone registers none, and training then dies deep inside tfjs with
 * "gradient function not found for RealDiv". Call this before training to fail early with the fix.
 *
 * @example
 * import '@tensorflow/tfjs'; // registers gradients (Node: or '@tensorflow/tfjs-node')
 * assertGradientsRegistered();
 */
export function assertGradientsRegistered(): void {
  if (typeof tf.getGradient('RealDiv')?.gradFunc !== 'function') {
    throw new OverfitError(
      "tfjs gradients are not registered (no gradient for 'RealDiv'): import '@tensorflow/tfjs' (Node: or tfjs-node) " +
        "or '@tensorflow/tfjs-core/dist/register_all_gradients' (bundled browser code) before training",
    );
  }
}

/** How the filter gradient is strided and padded (what `tf.conv2d` took). */
export interface ConvFilterGradientOptions {
  strides?: number | [number, number];
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * Gradient of a 2-D convolution's loss with respect to its filter, built only from ops every
 * backend has (pad, slice / strided slice, matMul, stack); NHWC, dilation 1:
 *
 * `dW[i, j, c, f] = sum_{n, p, q} xPad[n, p*sH + i, q*sW + j, c] * dy[n, p, q, f]`
 *
 * computed per filter tap `(i, j)` as one `[C, M] x [M, F]` matMul (`M = N * outH * outW`) on the
 * channels-first padded input.
 * It is what `enableConvTrainingFallback` runs where a backend lacks `Conv2DBackpropFilter`.
 *
 * @param x the conv input `[N, H, W, C]`
 * @param dy the gradient of the loss w.r.t. the conv output `[N, outH, outW, F]`
 * @param filterShape `[kH, kW, C, F]`
 * @example
 * const dW = conv2dFilterGradient(x, dy, [3, 3, 1, 8], { strides: 1, pad: 'same' });
 */
export function conv2dFilterGradient(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  options: ConvFilterGradientOptions,
): tf.Tensor4D {
  const strides = options.strides ?? 1;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape,
    filterShape,
    strides,
    1,
    options.pad,
    options.dimRoundingMode,
    false,
    'channelsLast',
  );
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
    const dy2 = tf.reshape(dy, [m, f]);
    const taps: tf.Tensor2D[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        // Each tap's patch is only needed for its own matMul; tidy frees it right away.
        taps.push(
          tf.tidy(() => {
            const patch =
              sh === 1 && sw === 1
                ? tf.slice(xCnhw, [0, 0, i, j], [c, n, outH, outW])
                : tf.stridedSlice(
                    xCnhw,
                    [0, 0, i, j],
                    [c, n, i + (outH - 1) * sh + 1, j + (outW - 1) * sw + 1],
                    [1, 1, sh, sw],
                  );
            return tf.matMul(tf.reshape(patch, [c, m]), dy2);
          }),
        );
      }
    }
    return tf.reshape(tf.stack(taps), filterShape) as tf.Tensor4D;
  });
}

const backpropFilterKernel: tf.KernelFunc = ({ inputs, attrs }) => {
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
    attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  if (dataFormat === 'NCHW') {
    throw new UnsupportedBackendError(
      `the Conv2DBackpropFilter fallback supports NHWC only (backend '${tf.getBackend()}'); use channelsLast, or the cpu / webgl / webgpu / tensorflow backends`,
    );
  }
  return tf.tidy(() => {
    const asTensor = (info: tf.TensorInfo | undefined) =>
      (info instanceof tf.Tensor
        ? info
        : tf.engine().makeTensorFromTensorInfo(info!)) as tf.Tensor4D;
    return conv2dFilterGradient(asTensor(inputs.x), asTensor(inputs.dy), filterShape, {
      strides,
      pad,
      dimRoundingMode,
    });
  });
};

/**
 * Makes conv nets trainable on backends without a `Conv2DBackpropFilter` kernel — tfjs-backend-wasm
 * 4.x (tfjs #8474), where training a `conv2d` otherwise crashes inside tfjs. For every backend
 * registered so far that lacks the kernel, registers one computed by {@link conv2dFilterGradient};
 * backends that have it keep theirs. Covers both the plain `Conv2D` gradient and the fused conv
 * that tfjs-layers uses. Idempotent and cheap (one registry lookup per backend), so the Trainer
 * calls it at the start of every `fit`; call it again after registering a backend later.
 *
 * Returns the names of the backends it patched in this call.
 *
 * @example
 * await tf.setBackend('wasm');
 * enableConvTrainingFallback(); // ['wasm'] the first time, [] afterwards
 */
export function enableConvTrainingFallback(): string[] {
  const patched: string[] = [];
  for (const backendName of Object.keys(tf.engine().registryFactory)) {
    if (tf.getKernel(tf.Conv2DBackpropFilter, backendName) !== undefined) continue;
    tf.registerKernel({
      kernelName: tf.Conv2DBackpropFilter,
      backendName,
      kernelFunc: backpropFilterKernel,
    });
    patched.push(backendName);
  }
  return patched;
}
