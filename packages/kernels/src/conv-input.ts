import * as tf from '@tensorflow/tfjs-core';
import { asTensor, type KernelArgs } from './backend-calls.js';
import { convInfo } from './conv-info.js';

/**
 * `Conv2DBackpropInput` as a forward conv, which XNNPACK runs on wasm (the wasm kernel is a
 * scalar loop, ~15x slower). For stride 1 the input gradient is a full correlation of `dy`
 * with the filter rotated by 180 degrees and its in/out channels swapped:
 *
 * `dx[n, r, s, c] = sum_{i, j, f} dyPad[n, r + i, s + j, f] * W[kH-1-i, kW-1-j, c, f]`
 *
 * with `dy` padded by `kH - 1 - top` before and `H - outH + top` after (likewise for width).
 * Strided or NCHW convs go to the original kernel.
 */
export function fastConv2DBackpropInput(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as KernelArgs;
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } =
      attrs as unknown as tf.Conv2DBackpropInputAttrs;
    const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const info = convInfo(inputShape, filter.shape, strides, pad, dimRoundingMode);
    const { top, left } = info.padInfo;
    const { filterHeight: kh, filterWidth: kw, inHeight: h, inWidth: w } = info;
    const padding: [number, number][] = [
      [0, 0],
      [kh - 1 - top, h - info.outHeight + top],
      [kw - 1 - left, w - info.outWidth + left],
      [0, 0],
    ];
    const simple =
      dataFormat !== 'NCHW' &&
      info.strideHeight === 1 &&
      info.strideWidth === 1 &&
      padding.every(([before, after]) => before >= 0 && after >= 0);
    if (!simple) return original(args);
    return tf.tidy(() => {
      const w = asTensor<tf.Tensor4D>(backend, filter);
      const g = asTensor<tf.Tensor4D>(backend, dy);
      const rotated = tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
      const dyPad = padding.some(([a, b]) => a + b > 0) ? tf.pad(g, padding) : g;
      return tf.conv2d(dyPad as tf.Tensor4D, rotated, 1, 'valid');
    });
  };
}
