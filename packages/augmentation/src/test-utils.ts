import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { tolerance } from '../../../test/backend.js';

/** A deterministic NHWC batch with distinct values in [0, 1]. */
export function ramp(n: number, h: number, w: number, c: number): tf.Tensor4D {
  const size = n * h * w * c;
  return tf.tidy(
    () =>
      tf.reshape(tf.div(tf.range(0, size, 1, 'float32'), size - 1), [n, h, w, c]) as tf.Tensor4D,
  );
}

/** Asserts two tensors are equal within the backend's relative tolerance (absolute near 0). */
export async function expectClose(
  actual: tf.Tensor,
  expected: tf.Tensor,
  tol = tolerance,
): Promise<void> {
  expect(actual.shape).toEqual(expected.shape);
  const a = await actual.data();
  const e = await expected.data();
  for (let i = 0; i < a.length; i++) {
    const diff = Math.abs(a[i]! - e[i]!);
    if (diff > tol * Math.max(1, Math.abs(e[i]!))) {
      expect.fail(`element ${i}: got ${a[i]}, expected ${e[i]} (tolerance ${tol})`);
    }
  }
}

/** Asserts `fn` leaves the number of live tensors unchanged when its result is disposed. */
export function expectNoLeak(fn: () => tf.Tensor | tf.Tensor[]): void {
  tf.dispose(fn());
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) tf.dispose(fn());
  expect(tf.memory().numTensors).toBe(before);
}
