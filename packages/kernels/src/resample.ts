import { InvalidArgumentError, type SeparableResampleAttrs } from '@overfit/core';
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
      throw new InvalidArgumentError(
        'OverfitSeparableResample images.dtype',
        images.dtype,
        "'float32'",
      );
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
    // Taps outside the image would read other tensors' memory on wasm: refused up front.
    checkTaps('rowLo', rowLo, n * oh, h);
    checkTaps('rowHi', rowHi, n * oh, h);
    checkTaps('colLo', colLo, n * ow, w);
    checkTaps('colHi', colHi, n * ow, w);
    checkLength('rowFrac', rowFrac, n * oh);
    checkLength('colFrac', colFrac, n * ow);
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

function checkLength(name: string, values: ArrayLike<number>, length: number): void {
  if (values === undefined || values.length < length) {
    throw new InvalidArgumentError(
      `OverfitSeparableResample attrs.${name}.length`,
      values?.length,
      `at least ${length} (one entry per output row or column of the batch)`,
    );
  }
}

function checkTaps(name: string, taps: ArrayLike<number>, length: number, limit: number): void {
  checkLength(name, taps, length);
  for (let k = 0; k < length; k++) {
    const t = taps[k]!;
    if (!(Number.isInteger(t) && t >= 0 && t < limit)) {
      throw new InvalidArgumentError(
        `OverfitSeparableResample attrs.${name}[${k}]`,
        t,
        `an integer in [0, ${limit - 1}] (a pixel of the image)`,
      );
    }
  }
}
