import { checkInteger, checkKnownKeys, checkOneOf, InvalidArgumentError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Split } from './mnist.js';
import { summarize } from './summarize.js';

/** Options of {@link splitToTensors}. */
export interface SplitToTensorsOptions {
  /** `'flat'` (default): `x` is `[count, H·W·C]` for an MLP; `'image'`: `[count, H, W, C]` for a CNN. */
  shape?: 'flat' | 'image';
  /** Height, width, channels of one example. Default `[28, 28, 1]` (MNIST). */
  imageShape?: readonly [number, number, number];
}

/** A split as tensors: inputs and int32 class indices. */
export interface SplitTensors<X extends tf.Tensor = tf.Tensor2D | tf.Tensor4D> {
  x: X;
  y: tf.Tensor1D;
}

/**
 * Turns a {@link Split} into the tensors the Trainer consumes: `x` float32 (`[count, H·W·C]`
 * or `[count, H, W, C]`) and `y` int32 `[count]`. The values are copied, so later changes to
 * `split` do not reach the tensors. The caller owns (and disposes) both tensors; nothing else
 * is left allocated.
 *
 * @throws {InvalidArgumentError} when the array lengths do not match `count` and `imageShape`
 * @example
 * const { x, y } = splitToTensors(data.train, { shape: 'image' }); // x: [54000, 28, 28, 1]
 * // ... train ...
 * tf.dispose([x, y]);
 */
export function splitToTensors(
  split: Split,
  options: SplitToTensorsOptions & { shape: 'image' },
): SplitTensors<tf.Tensor4D>;
export function splitToTensors(
  split: Split,
  options?: SplitToTensorsOptions & { shape?: 'flat' },
): SplitTensors<tf.Tensor2D>;
export function splitToTensors(split: Split, options?: SplitToTensorsOptions): SplitTensors;
export function splitToTensors(split: Split, options: SplitToTensorsOptions = {}): SplitTensors {
  checkKnownKeys('options', options, ['shape', 'imageShape']);
  const shape =
    options.shape === undefined
      ? 'flat'
      : checkOneOf('options.shape', options.shape, ['flat', 'image'] as const);
  const imageShape = options.imageShape ?? [28, 28, 1];
  if (!Array.isArray(imageShape) || imageShape.length !== 3) {
    throw new InvalidArgumentError(
      'options.imageShape',
      imageShape,
      'a [height, width, channels] array',
    );
  }
  for (const [i, d] of imageShape.entries()) checkInteger(`options.imageShape[${i}]`, d);
  const count = checkInteger('split.count', split?.count, { min: 0 });
  const [h, w, c] = imageShape as [number, number, number];
  const size = h * w * c;
  if (!(split.images instanceof Float32Array) || split.images.length !== count * size) {
    throw new InvalidArgumentError(
      'split.images',
      summarize(split.images),
      `a Float32Array of length count · ${size} = ${count * size}`,
    );
  }
  if (!(split.labels instanceof Int32Array) || split.labels.length !== count) {
    throw new InvalidArgumentError(
      'split.labels',
      summarize(split.labels),
      `an Int32Array of length count = ${count}`,
    );
  }
  // slice(): tfjs' cpu backend keeps the array it is given, so without a copy the tensor would alias the split.
  const x =
    shape === 'flat'
      ? tf.tensor2d(split.images.slice(), [count, size], 'float32')
      : tf.tensor4d(split.images.slice(), [count, h, w, c], 'float32');
  const y = tf.tensor1d(split.labels.slice(), 'int32');
  return { x, y };
}
