import { InvalidArgumentError, type Rng, ShapeError, type Transform } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { Augmentation, type BatchShape, type Json } from './augmentation.js';
import { takeImages } from './ops/gather.js';

// biome-ignore lint/suspicious/noExplicitAny: children have heterogeneous parameter types
export type AnyAugmentation = Augmentation<any>;

/** Wraps a plain core {@link Transform} (e.g. the user's own) so composites can hold it. */
class ForeignTransform extends Augmentation<unknown> {
  readonly name: string;
  constructor(private readonly inner: Transform) {
    super();
    this.name = inner.name;
    if (inner.applyToLabels)
      this.applyToLabels = (labels, params) => inner.applyToLabels!(labels, params);
  }
  sampleParams(shape: readonly number[], rng: Rng): unknown {
    return this.inner.sampleParams(shape, rng);
  }
  apply(images: tf.Tensor, params: unknown): tf.Tensor {
    return this.inner.apply(images, params);
  }
  getOptions(): Record<string, Json> {
    return {};
  }
}

/** Any core Transform as an {@link Augmentation} (ours pass through unchanged). */
export function asAugmentation(t: Transform): AnyAugmentation {
  if (t instanceof Augmentation) return t;
  if (!t || typeof t.sampleParams !== 'function' || typeof t.apply !== 'function') {
    throw new InvalidArgumentError('transform', t, 'a Transform (name, sampleParams, apply)');
  }
  return new ForeignTransform(t);
}

export function children(argument: string, transforms: readonly Transform[]): AnyAugmentation[] {
  if (!Array.isArray(transforms) || transforms.length === 0)
    throw new InvalidArgumentError(argument, transforms, 'a non-empty array of transforms');
  return transforms.map(asAugmentation);
}

/**
 * Runs `fn` on the images at `index` only and puts the results back in place: one gather
 * in, one gather out, so a per-image choice costs no per-image op.
 */
export function onSubset(
  x: tf.Tensor,
  index: readonly number[],
  fn: (sub: tf.Tensor) => tf.Tensor,
): tf.Tensor {
  const n = x.shape[0]!;
  if (index.length === 0) return tf.clone(x);
  if (index.length === n && index.every((v, i) => v === i)) return fn(x);
  return tf.tidy(() => {
    const chosen = new Set(index);
    const rest = Array.from({ length: n }, (_, i) => i).filter((i) => !chosen.has(i));
    const changed = fn(takeImages(x, index as number[]));
    if (!rest.length) return takeImages(changed, inversePermutation([...index]));
    const kept = takeImages(x, rest);
    return takeImages(tf.concat([changed, kept]), inversePermutation([...index, ...rest]));
  });
}

export function inversePermutation(order: number[]): number[] {
  const inv = new Array<number>(order.length);
  order.forEach((from, k) => {
    inv[from] = k;
  });
  return inv;
}

/** Applies `step` (image or label side) and disposes the previous intermediate (never the caller's input). */
export function chainStep(
  current: tf.Tensor,
  input: tf.Tensor,
  step: (x: tf.Tensor) => tf.Tensor,
): tf.Tensor {
  const next = step(current);
  if (current !== input && current !== next) current.dispose();
  return next;
}

export const labelsOf = (t: AnyAugmentation, labels: tf.Tensor, params: unknown) =>
  t.applyToLabels ? t.applyToLabels(labels, params) : tf.clone(labels);

export function requireSameShape(name: string, t: AnyAugmentation, shape: BatchShape): void {
  const out = t.outputShape(shape);
  if (out.some((d, i) => d !== shape[i])) {
    throw new ShapeError(
      `${name} can only hold transforms that keep the image size; ${t.name} maps [${shape.join(', ')}] to [${out.join(', ')}]`,
    );
  }
}
