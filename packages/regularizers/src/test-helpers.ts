// Test-only helpers (not exported from the package).

import type { Parameter, ParameterKind } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

const KINDS: Record<string, ParameterKind> = {
  kernel: 'kernel',
  bias: 'bias',
  gamma: 'gamma',
  beta: 'beta',
  embeddings: 'embedding',
};

/** Parameters of a tfjs-layers model, in the shape of core's `Parameter` contract. */
export function paramsOf(model: LayersModel): Parameter[] {
  return model.layers.flatMap((layer) =>
    layer.weights.map((w) => {
      const short = w.originalName.split('/').pop() ?? '';
      return {
        name: w.name,
        layerName: layer.name,
        kind: KINDS[short] ?? 'other',
        trainable: w.trainable,
        variable: w.read() as tf.Variable,
      };
    }),
  );
}

/** Central finite-difference gradient of `f` at `x` (float64 bookkeeping, float32 evaluation). */
export function finiteDifference(
  f: (x: tf.Tensor) => tf.Scalar,
  x: tf.Tensor,
  h = 1e-2,
): Float64Array {
  const base = Float64Array.from(x.dataSync());
  const grad = new Float64Array(base.length);
  for (let i = 0; i < base.length; i++) {
    const at = (delta: number) =>
      tf.tidy(() => {
        const shifted = Float32Array.from(base);
        shifted[i] = base[i]! + delta;
        return f(tf.tensor(shifted, x.shape)).dataSync()[0]!;
      });
    grad[i] = (at(h) - at(-h)) / (2 * h);
  }
  return grad;
}

/** Max relative error `|a - b| / max(1, |b|)`. */
export function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++)
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return worst;
}

/** Mean and variance of many tensors, elementwise, in float64. */
export function sampleMoments(samples: Float32Array[]): {
  mean: Float64Array;
  variance: Float64Array;
} {
  const n = samples.length;
  const size = samples[0]!.length;
  const mean = new Float64Array(size);
  const variance = new Float64Array(size);
  for (const s of samples) for (let i = 0; i < size; i++) mean[i]! += s[i]! / n;
  for (const s of samples)
    for (let i = 0; i < size; i++) variance[i]! += (s[i]! - mean[i]!) ** 2 / (n - 1);
  return { mean, variance };
}

/** `n` training-mode outputs of a layer on `x`, as flat arrays (each call draws new noise). */
export function drawTraining(
  layer: { apply: (x: tf.Tensor, kwargs?: object) => unknown },
  x: tf.Tensor,
  n: number,
): Float32Array[] {
  return Array.from({ length: n }, () =>
    tf
      .tidy(() => (layer.apply(x, { training: true }) as tf.Tensor).dataSync() as Float32Array)
      .slice(),
  );
}

/**
 * Checks sample moments against theory: every element's mean within `z` standard errors of
 * `mean[i]`, and the average ratio sample variance / expected variance within `varTol` of 1.
 */
export function momentsMatch(
  samples: Float32Array[],
  mean: ArrayLike<number>,
  variance: ArrayLike<number>,
  { z = 5, varTol = 0.12 } = {},
): { meanOk: boolean; varianceRatio: number } {
  const got = sampleMoments(samples);
  const n = samples.length;
  let meanOk = true;
  let ratioSum = 0;
  let counted = 0;
  for (let i = 0; i < got.mean.length; i++) {
    const se = Math.sqrt(variance[i]! / n);
    if (Math.abs(got.mean[i]! - mean[i]!) > z * se + 1e-6 * Math.max(1, Math.abs(mean[i]!)))
      meanOk = false;
    if (variance[i]! > 1e-12) {
      ratioSum += got.variance[i]! / variance[i]!;
      counted++;
    }
  }
  const varianceRatio = counted === 0 ? 1 : ratioSum / counted;
  return { meanOk: meanOk && Math.abs(varianceRatio - 1) <= varTol, varianceRatio };
}

/** Saves a model to memory and loads it back (round trip through JSON topology). */
export async function roundTrip(model: import('@tensorflow/tfjs-layers').LayersModel) {
  const { io } = await import('@tensorflow/tfjs-core');
  const { loadLayersModel } = await import('@tensorflow/tfjs-layers');
  let saved: import('@tensorflow/tfjs-core').io.ModelArtifacts | undefined;
  await model.save(
    io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const topology = JSON.parse(JSON.stringify(saved!.modelTopology));
  return {
    topology,
    loaded: await loadLayersModel(io.fromMemory({ ...saved!, modelTopology: topology })),
  };
}
