import type { Parameter } from '@overfit/core';
import { l2Norms, sparsity } from '@overfit/metrics';
import * as tf from '@tensorflow/tfjs-core';

/** Threshold under which a weight counts as zero for `sparsity` (the L1 effect). */
export const SPARSITY_EPS = 1e-3;

/**
 * End-of-epoch weight statistics in one device read: `||w||_2` of each parameter and the
 * fraction of `|w| < 1e-3` of each kernel.
 */
export async function weightStats(
  params: readonly Parameter[],
): Promise<{ weightNorms: Record<string, number>; sparsity: Record<string, number> }> {
  const kernels = params.filter((p) => p.kind === 'kernel');
  const packed = tf.tidy(() =>
    tf.concat([
      l2Norms(params.map((p) => p.variable)),
      ...kernels.map((k) => tf.reshape(sparsity(k.variable, SPARSITY_EPS), [1])),
    ]),
  );
  let values: Float32Array;
  try {
    values = (await packed.data()) as Float32Array;
  } finally {
    packed.dispose();
  }
  const weightNorms: Record<string, number> = {};
  params.forEach((p, i) => {
    weightNorms[p.name] = values[i]!;
  });
  const result: Record<string, number> = {};
  kernels.forEach((k, i) => {
    result[k.name] = values[params.length + i]!;
  });
  return { weightNorms, sparsity: result };
}
