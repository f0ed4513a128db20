import {
  checkInteger,
  InvalidArgumentError,
  type Rng,
  ShapeError,
  type Transform,
} from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { Augmentation, type BatchShape, type Json } from './augmentation.js';
import { type AnyAugmentation, asAugmentation } from './subsets.js';

/**
 * Runs an image transform on flattened batches `[N, H·W·C]` (what an MLP eats, e.g. MNIST
 * as `[N, 784]`): reshapes to `[N, H, W, C]`, applies `transform`, flattens the result
 * back. Labels pass through the inner transform unchanged.
 *
 * @example
 * const aug = flattened(presets.mnist(), [28, 28, 1]);
 * trainer options: { augment: aug }  // x is [N, 784]
 */
export class Flattened extends Augmentation<unknown> {
  readonly name = 'flattened';
  readonly transform: AnyAugmentation;
  readonly imageShape: [number, number, number];
  constructor(transform: Transform, imageShape: readonly [number, number, number]) {
    super();
    this.transform = asAugmentation(transform);
    if (!Array.isArray(imageShape) || imageShape.length !== 3) {
      throw new InvalidArgumentError(
        'imageShape',
        imageShape,
        'an [H, W, C] triple of positive integers',
      );
    }
    this.imageShape = [
      checkInteger('imageShape[0]', imageShape[0]),
      checkInteger('imageShape[1]', imageShape[1]),
      checkInteger('imageShape[2]', imageShape[2]),
    ];
    if (transform.applyToLabels)
      this.applyToLabels = (labels, params) => this.transform.applyToLabels!(labels, params);
  }
  private batchShape(shape: readonly number[]): BatchShape {
    const [h, w, c] = this.imageShape;
    if (shape.length !== 2 || shape[1] !== h * w * c) {
      throw new ShapeError(
        `flattened expects [N, ${h * w * c}] batches (images ${h}x${w}x${c}), got [${shape.join(', ')}]`,
      );
    }
    return [shape[0]!, h, w, c];
  }
  sampleParams(shape: readonly number[], rng: Rng): unknown {
    return this.transform.sampleParams(this.batchShape(shape), rng);
  }
  apply(images: tf.Tensor, params: unknown): tf.Tensor {
    const shape = this.batchShape(images.shape);
    return tf.tidy(() => {
      const out = this.transform.apply(tf.reshape(images, shape as unknown as number[]), params);
      return tf.reshape(out, [shape[0], -1]);
    });
  }
  getOptions(): Record<string, Json> {
    return {
      imageShape: this.imageShape,
      transform: this.transform.getConfig() as unknown as Json,
    };
  }
}

/**
 * Adapts an image transform to flattened `[N, H·W·C]` batches.
 *
 * @example const aug = flattened(parseAugmentationSpec('rotate(10),erase(0.3)'), [28, 28, 1]);
 */
export const flattened = (transform: Transform, imageShape: readonly [number, number, number]) =>
  new Flattened(transform, imageShape);
