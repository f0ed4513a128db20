import {
  checkRate,
  InvalidArgumentError,
  type Rng,
  ShapeError,
  type Transform,
} from '@overfit/core';
import type * as tf from '@tensorflow/tfjs-core';

/** A JSON value: what configs and drawn parameters are made of. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A transform's description: its registry name plus its validated options (JSON). */
export interface AugmentationConfig {
  name: string;
  [option: string]: Json;
}

/** `[N, H, W, C]`. */
export type BatchShape = readonly [number, number, number, number];

/**
 * Base class of every overfit augmentation: a core {@link Transform} (draw parameters once
 * per batch with `sampleParams`, apply them with `apply`) that also says how it changes the
 * batch shape and how to describe itself as JSON.
 *
 * Images are NHWC float32 tensors with values in [0, 1] (photometric ops clip to that range);
 * any channel count unless a transform says otherwise. Parameters are plain JSON with one
 * entry per image, so a draw can be logged, replayed and applied again.
 */
export abstract class Augmentation<P = unknown> implements Transform<P> {
  abstract readonly name: string;
  abstract sampleParams(shape: readonly number[], rng: Rng): P;
  abstract apply(images: tf.Tensor, params: P): tf.Tensor;
  applyToLabels?(labels: tf.Tensor, params: P): tf.Tensor;
  /** The options this transform was built with (after defaults), as JSON. */
  abstract getOptions(): Record<string, Json>;

  /** Output batch shape for an input batch of `shape` (crops change H and W). */
  outputShape(shape: BatchShape): BatchShape {
    return shape;
  }

  /** The registry name (core's `serialize` finds the transform by it): the config name. */
  getClassName(): string {
    return this.name;
  }

  /** `{ name, ...options }`: what {@link describeAugmentation} reports. */
  getConfig(): AugmentationConfig {
    return { name: this.name, ...this.getOptions() };
  }
}

/** Checks and returns `[N, H, W, C]` from a `sampleParams` shape argument. */
export function checkBatchShape(shape: readonly number[]): BatchShape {
  if (
    !Array.isArray(shape) ||
    shape.length !== 4 ||
    shape.some((d) => !Number.isInteger(d) || d < 1)
  ) {
    throw new InvalidArgumentError(
      'shape',
      shape,
      'a batch shape [N, H, W, C] of positive integers',
    );
  }
  return shape as unknown as BatchShape;
}

/** Checks that `images` is an NHWC float32 batch and returns its shape. */
export function checkImages(images: tf.Tensor): BatchShape {
  if (images.rank !== 4)
    throw new ShapeError(
      `images must be a rank-4 NHWC tensor [N, H, W, C], got shape [${images.shape.join(', ')}]`,
    );
  if (images.dtype !== 'float32')
    throw new ShapeError(`images must be float32 (values in [0, 1]), got ${images.dtype}`);
  return images.shape as unknown as BatchShape;
}

/** Checks that a per-image parameter array was drawn for this many images. */
export function checkCount(what: string, values: readonly unknown[] | undefined, n: number): void {
  if (!Array.isArray(values) || values.length !== n) {
    throw new ShapeError(
      `params.${what} was drawn for ${Array.isArray(values) ? values.length : 'no'} images but the batch has ${n}`,
    );
  }
}

/** Validates a per-image probability `p` in [0, 1]. */
export function checkP(value: unknown, argument = 'p'): number {
  return checkRate(argument, value, true);
}

/** One Bernoulli(p) draw per image. */
export function drawMask(n: number, p: number, rng: Rng): boolean[] {
  const out: boolean[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = p >= 1 ? true : p <= 0 ? false : rng.bernoulli(p);
  return out;
}
