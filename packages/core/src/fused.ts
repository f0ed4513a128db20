import * as tf from '@tensorflow/tfjs-core';

/**
 * Fused optimizer updates: one kernel per variable and step instead of the ~12 element-wise
 * kernels (and engine dispatches) of tfjs' composite update. tfjs-core has no such kernels;
 * `@overfit/kernels`' `installKernels()` registers them for the backends it can (cpu, wasm).
 * Optimizers use them when the active backend has them ({@link hasKernel}) and their composite
 * formula otherwise, so nothing changes for a program that installs no kernels.
 *
 * Every kernel here is pure: its inputs are left untouched and it returns new tensors (the
 * caller assigns them), so a clone of a variable keeps its value.
 */

/**
 * Adam: inputs `{ x, m, v, g }` (variable, first and second moment, gradient), and either the
 * scalars `{ accBeta1, accBeta2 }` (`beta^t`, as tfjs' Adam keeps them) or the attrs
 * `biasCorrection1 = 1 - beta1^t`, `biasCorrection2 = 1 - beta2^t`. Outputs `[x', m', v']`:
 *
 * `m' = b1 m + (1 - b1) g`, `v' = b2 v + (1 - b2) g^2`,
 * `x' = x - lr (m' / c1) / (sqrt(v' / c2) + eps)`.
 */
export const FusedAdamUpdate = 'OverfitFusedAdamUpdate';

export interface FusedAdamUpdateAttrs {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** `1 - beta1^t`, when the inputs carry no `accBeta1`. */
  biasCorrection1?: number;
  /** `1 - beta2^t`, when the inputs carry no `accBeta2`. */
  biasCorrection2?: number;
}

/** SGD: inputs `{ x, g }`, output `[x - lr g]`. */
export const FusedSgdUpdate = 'OverfitFusedSgdUpdate';

export interface FusedSgdUpdateAttrs {
  learningRate: number;
}

/**
 * Momentum (tfjs' `MomentumOptimizer`): inputs `{ x, a, g }` (variable, accumulation,
 * gradient), outputs `[x', a']`: `a' = mu a + g`, `x' = x - lr a'`, or with Nesterov
 * `x' = x - lr (g + mu a')`.
 */
export const FusedMomentumUpdate = 'OverfitFusedMomentumUpdate';

export interface FusedMomentumUpdateAttrs {
  learningRate: number;
  momentum: number;
  nesterov: boolean;
}

/** Whether `kernelName` is registered for `backendName` (default: the active backend). */
export function hasKernel(kernelName: string, backendName: string = tf.getBackend()): boolean {
  return tf.getKernel(kernelName, backendName) !== undefined;
}

/**
 * Separable 2-tap resampling of an NHWC batch, the inner loop of a resized crop: input
 * `{ images }` `[N, H, W, C]`, output `[N, oh, ow, C]` with
 *
 * `out[n, r, q, c] = lerp(lerp(x[n, y0, x0, c], x[n, y0, x1, c], fx), lerp(x[n, y1, x0, c], x[n, y1, x1, c], fx), fy)`
 *
 * where, per output row `n * oh + r`, `rowLo`/`rowHi` are the source rows `y0`/`y1` and `rowFrac`
 * is `fy`, and per output column `n * ow + q`, `colLo`/`colHi`/`colFrac` are `x0`/`x1`/`fx`
 * (`lerp(a, b, f) = a + (b - a) f`, each step rounded to float32). Tap indices are within the
 * image (`0 <= y < H`, `0 <= x < W`); the caller computes them (clamped to each crop box).
 */
export const SeparableResample = 'OverfitSeparableResample';

export interface SeparableResampleAttrs {
  outHeight: number;
  outWidth: number;
  rowLo: Int32Array;
  rowHi: Int32Array;
  rowFrac: Float32Array;
  colLo: Int32Array;
  colHi: Int32Array;
  colFrac: Float32Array;
}
