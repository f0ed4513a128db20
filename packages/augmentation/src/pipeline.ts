import { InvalidArgumentError, type Rng, type Transform } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { Compose, type ComposeParams } from './sequence.js';

/** What {@link augment} returns: the batch, its labels, and the draw (null when not training). */
export interface AugmentResult<P = unknown> {
  images: tf.Tensor;
  labels: tf.Tensor | undefined;
  params: P | null;
}

/** Options of {@link augment}. */
export interface AugmentOptions {
  /** Augmentation happens only when this is exactly `true`. */
  training?: boolean;
  /** Source of the draw; required when training. */
  rng?: Rng;
}

/**
 * Training-only entry point: draws parameters for the batch and applies them to the images
 * and (for mixing transforms) the labels. Unless `training === true` the inputs come back
 * untouched (as clones sharing their memory, so the caller may always dispose the result).
 *
 * @example
 * const { images, labels } = augment(pipeline, x, y, { training: true, rng: rng.fork('augment') });
 */
export function augment<P>(
  transform: Transform<P>,
  images: tf.Tensor,
  labels: tf.Tensor | undefined,
  options: AugmentOptions = {},
): AugmentResult<P> {
  if (options.training !== true)
    return {
      images: tf.clone(images),
      labels: labels ? tf.clone(labels) : undefined,
      params: null,
    };
  if (!options.rng || typeof options.rng.uniform !== 'function')
    throw new InvalidArgumentError('options.rng', options.rng, 'an Rng when training');
  const params = transform.sampleParams(images.shape, options.rng);
  const out = transform.apply(images, params);
  try {
    const mixed = labels
      ? transform.applyToLabels
        ? transform.applyToLabels(labels, params)
        : tf.clone(labels)
      : undefined;
    return { images: out, labels: mixed, params };
  } catch (error) {
    // Bad labels (a mixing transform checks them): the images were already made, and are ours.
    out.dispose();
    throw error;
  }
}

/**
 * A composed pipeline with the training-only {@link augment} entry as a method.
 *
 * @example
 * const aug = pipeline([affine({ degrees: 10, translate: 0.1 }), colorJitter({ brightness: 0.2 })]);
 * const { images } = aug.augment(x, undefined, { training: true, rng });
 */
export class Pipeline extends Compose {
  constructor(transforms: readonly Transform[]) {
    super(transforms, 'pipeline');
  }
  augment(
    images: tf.Tensor,
    labels: tf.Tensor | undefined,
    options: AugmentOptions = {},
  ): AugmentResult<ComposeParams> {
    return augment(this, images, labels, options);
  }
}

/**
 * Builds a {@link Pipeline}.
 *
 * @example const aug = pipeline([rotate({ degrees: 10 })]);
 */
export const pipeline = (transforms: readonly Transform[]) => new Pipeline(transforms);
