// Test-only helpers (not exported from index.ts): seeded toy data and small seeded models.

import { Rng } from '@overfit/core';
import * as tf from '@tensorflow/tfjs';

/** `k` Gaussian blobs in 2-D (std 0.3 around points on a circle of radius 2): linearly separable. */
export function blobs(
  perClass: number,
  k: number,
  seed: number,
): { x: tf.Tensor2D; y: tf.Tensor1D } {
  const rng = new Rng(seed);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let c = 0; c < k; c++) {
    const angle = (2 * Math.PI * c) / k;
    for (let i = 0; i < perClass; i++) {
      xs.push(2 * Math.cos(angle) + rng.normal(0, 0.3), 2 * Math.sin(angle) + rng.normal(0, 0.3));
      ys.push(c);
    }
  }
  return { x: tf.tensor2d(xs, [perClass * k, 2]), y: tf.tensor1d(ys, 'int32') };
}

/** XOR: points near the four corners of [-1, 1]^2, class 1 where the signs differ. */
export function xor(perCorner: number, seed: number): { x: tf.Tensor2D; y: tf.Tensor1D } {
  const rng = new Rng(seed);
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [a, b] of [
    [-1, -1],
    [-1, 1],
    [1, -1],
    [1, 1],
  ] as const) {
    for (let i = 0; i < perCorner; i++) {
      xs.push(a + rng.normal(0, 0.15), b + rng.normal(0, 0.15));
      ys.push(a * b < 0 ? 1 : 0);
    }
  }
  return { x: tf.tensor2d(xs, [4 * perCorner, 2]), y: tf.tensor1d(ys, 'int32') };
}

/** A dense MLP with seeded Glorot kernels and zero biases; ReLU hidden layers, linear output. */
export function mlp(
  sizes: number[],
  seed: number,
  extra: { kernelRegularizer?: Parameters<typeof tf.layers.dense>[0]['kernelRegularizer'] } = {},
): tf.Sequential {
  const model = tf.sequential();
  for (let i = 1; i < sizes.length; i++) {
    model.add(
      tf.layers.dense({
        units: sizes[i]!,
        inputShape: i === 1 ? [sizes[0]!] : undefined,
        activation: i === sizes.length - 1 ? 'linear' : 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + i }),
        kernelRegularizer: extra.kernelRegularizer,
      }),
    );
  }
  return model;
}

/** Host copies of every weight, in model order. */
export function weightValues(model: tf.LayersModel): Float32Array[] {
  return model
    .getWeights()
    .map((w) => w.dataSync() as Float32Array)
    .map((a) => Float32Array.from(a));
}

/** Largest |a - b| over lists of arrays of equal shapes. */
export function maxAbsDiff(a: ArrayLike<number>[], b: ArrayLike<number>[]): number {
  let m = 0;
  a.forEach((arr, i) => {
    for (let j = 0; j < arr.length; j++) m = Math.max(m, Math.abs(arr[j]! - b[i]![j]!));
  });
  return m;
}

/** Host softmax cross-entropy (mean over rows) from logits and class ids. */
export function hostCrossEntropy(logits: number[][], ids: ArrayLike<number>): number {
  let total = 0;
  logits.forEach((row, i) => {
    const max = Math.max(...row);
    const logSum = Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0)) + max;
    total += logSum - row[ids[i]!]!;
  });
  return total / logits.length;
}
