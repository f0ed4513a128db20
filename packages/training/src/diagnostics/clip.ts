import { l2Norms } from '@overfit/metrics';
import * as tf from '@tensorflow/tfjs-core';
import type { ResolvedClip } from './options.js';

/** PyTorch's `clip_grad_norm_` guard against a zero norm. */
const CLIP_EPS = 1e-6;

/**
 * Clipped copies of `grads` (same order), for stage 7 of a step; nothing is read back.
 *
 * - `globalNorm = c`: every gradient times `min(1, c / (||g||_global + 1e-6))`, where
 *   `||g||_global = sqrt(sum_i ||g_i||^2)` is computed from `norms` (the per-gradient L2
 *   norms, already taken for the statistics) — PyTorch's `clip_grad_norm_` exactly.
 * - `value = v`: then each element clamped to `[-v, v]` (`clip_grad_value_`, Keras' `clipvalue`).
 *
 * @example
 * const clipped = clipGradients(grads, l2Norms(grads), { globalNorm: 1, value: undefined });
 */
export function clipGradients(
  grads: readonly tf.Tensor[],
  norms: tf.Tensor1D | undefined,
  clip: ResolvedClip,
): tf.Tensor[] {
  return tf.tidy(() => {
    let out: tf.Tensor[] = [...grads];
    if (clip.globalNorm !== undefined) {
      const total = tf.sqrt(tf.sum(tf.square(norms ?? l2Norms(grads))));
      const coef = tf.minimum(tf.div(clip.globalNorm, tf.add(total, CLIP_EPS)), 1);
      out = out.map((g) => tf.mul(g, coef));
    }
    if (clip.value !== undefined) {
      const v = clip.value;
      out = out.map((g) => tf.clipByValue(g, -v, v));
    }
    return out;
  });
}
