import type * as tf from '@tensorflow/tfjs-core';
import type { HostMemory } from './host.js';

/**
 * The conv input unrolled, transposed: `[kH * kW * C, M]` with `M = N * outH * outW`, row
 * `(i * kW + j) * C + c` holding `xPad[n, p*sH + i, q*sW + j, c]` for every output position
 * `(n, p, q)` (zero where the tap falls into the padding). One pass over host memory; the
 * filter gradient is then a single `[kH*kW*C, M] x [M, F]` product.
 */
export function im2colTransposed(
  host: HostMemory,
  x: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c } = info;
  const { outHeight: outH, outWidth: outW, filterHeight: kh, filterWidth: kw } = info;
  const { strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const m = n * outH * outW;
  const out = host.alloc([kh * kw * c, m]);
  const xs = host.view(x);
  const cols = host.view(out);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const rowBase = (i * kw + j) * c;
      for (let b = 0; b < n; b++) {
        for (let p = 0; p < outH; p++) {
          const r = p * sh + i - top;
          const col0 = (b * outH + p) * outW;
          if (r < 0 || r >= h) {
            for (let ch = 0; ch < c; ch++)
              cols.fill(0, (rowBase + ch) * m + col0, (rowBase + ch) * m + col0 + outW);
            continue;
          }
          for (let q = 0; q < outW; q++) {
            const s = q * sw + j - left;
            const col = col0 + q;
            if (s < 0 || s >= w) {
              for (let ch = 0; ch < c; ch++) cols[(rowBase + ch) * m + col] = 0;
              continue;
            }
            const src = ((b * h + r) * w + s) * c;
            for (let ch = 0; ch < c; ch++) cols[(rowBase + ch) * m + col] = xs[src + ch]!;
          }
        }
      }
    }
  }
  return out;
}
