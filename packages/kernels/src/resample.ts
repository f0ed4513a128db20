import type { SeparableResampleAttrs } from '@overfit/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs } from './backend-calls.js';
import { hostMemory } from './host.js';

/**
 * `OverfitSeparableResample` (contract in @overfit/core's fused.ts) as one pass over host
 * memory: four reads and three lerps per output value, in the order the composite path of
 * @overfit/augmentation uses (rows first, then columns), so both give the same floats.
 */
export function separableResampleKernel(backendName: string): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as KernelArgs;
    const host = hostMemory(backendName, backend)!;
    const { images } = inputs as { images: tf.TensorInfo };
    if (images.dtype !== 'float32') {
      throw new Error(`OverfitSeparableResample: images must be float32, got ${images.dtype}`);
    }
    const {
      outHeight: oh,
      outWidth: ow,
      rowLo,
      rowHi,
      rowFrac,
      colLo,
      colHi,
      colFrac,
    } = attrs as unknown as SeparableResampleAttrs;
    const [n, h, w, c] = images.shape as [number, number, number, number];
    const out = host.alloc([n, oh, ow, c]);
    const x = host.view(images);
    const y = host.view(out);
    const f32 = Math.fround;
    for (let b = 0; b < n; b++) {
      for (let r = 0; r < oh; r++) {
        const row = b * oh + r;
        const top = (b * h + rowLo[row]!) * w * c;
        const bottom = (b * h + rowHi[row]!) * w * c;
        const fy = rowFrac[row]!;
        for (let q = 0; q < ow; q++) {
          const col = b * ow + q;
          const left = colLo[col]! * c;
          const right = colHi[col]! * c;
          const fx = colFrac[col]!;
          const o = (row * ow + q) * c;
          for (let ch = 0; ch < c; ch++) {
            const tl = x[top + left + ch]!;
            const bl = x[bottom + left + ch]!;
            const tr = x[top + right + ch]!;
            const br = x[bottom + right + ch]!;
            // Rounded to float32 at each step, as the tensor ops do.
            const l = f32(tl + f32(f32(bl - tl) * fy));
            const rr = f32(tr + f32(f32(br - tr) * fy));
            y[o + ch] = f32(l + f32(f32(rr - l) * fx));
          }
        }
      }
    }
    return out;
  };
}
