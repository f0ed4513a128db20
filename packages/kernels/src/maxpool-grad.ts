import * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs } from './backend-calls.js';
import { hostMemory } from './host.js';

/**
 * `MaxPoolGrad` as one pass over host memory: each output cell's gradient goes to the first
 * maximum of its window in row-major order (the cpu backend's and PyTorch's rule), and
 * overlapping windows add up; NaN is skipped, as tfjs' forward max skips it. The wasm kernel
 * is ~10x slower, and gives ties to another cell than cpu and PyTorch.
 */
export function fastMaxPoolGrad(original: tf.KernelFunc, backendName: string): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as KernelArgs;
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolGradAttrs;
    const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    const host = hostMemory(backendName, backend);
    if (host === undefined || input.dtype !== 'float32' || dy.dtype !== 'float32')
      return original(args);
    const info = tf.backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      filterSize,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    const {
      batchSize: n,
      inHeight: h,
      inWidth: w,
      inChannels: c,
      outHeight: outH,
      outWidth: outW,
    } = info;
    const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
    const { top, left } = info.padInfo;
    const out = host.alloc([n, h, w, c]);
    const xs = host.view(input);
    const dys = host.view(dy);
    const dx = host.view(out);
    dx.fill(0);
    for (let b = 0; b < n; b++) {
      for (let p = 0; p < outH; p++) {
        const r0 = p * sh - top;
        for (let q = 0; q < outW; q++) {
          const s0 = q * sw - left;
          for (let ch = 0; ch < c; ch++) {
            let best = Number.NEGATIVE_INFINITY;
            let at = -1;
            for (let i = 0; i < kh; i++) {
              const r = r0 + i;
              if (r < 0 || r >= h) continue;
              for (let j = 0; j < kw; j++) {
                const s = s0 + j;
                if (s < 0 || s >= w) continue;
                const k = ((b * h + r) * w + s) * c + ch;
                const v = xs[k]!;
                // NaN never wins (tfjs' forward max skips it; a window of NaN gives -Infinity,
                // which no input produced, so its gradient goes nowhere, as on cpu). A window of
                // -Infinity routes to its first cell, as PyTorch does.
                if (v > best || (at < 0 && v === Number.NEGATIVE_INFINITY)) {
                  best = v;
                  at = k;
                }
              }
            }
            if (at >= 0) dx[at]! += dys[((b * outH + p) * outW + q) * c + ch]!;
          }
        }
      }
    }
    return out;
  };
}
