import { InvalidArgumentError, ShapeError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import type { FitData } from './types.js';

/** How a dataset's `y` is encoded: class ids `[N]` or dense targets `[N, K]`. */
export type TargetKind = 'ids' | 'dense';

/** A dataset checked against the model: sizes known, targets' encoding known. */
export interface CheckedData {
  readonly x: tf.Tensor;
  readonly y: tf.Tensor;
  readonly size: number;
  readonly targets: TargetKind;
}

/** What the data must fit: the model's output width and the class count, when known. */
export interface TargetSpec {
  /** Last dimension of the model's output (`undefined` if the model does not say). */
  readonly outputDim: number | undefined;
  /** Class count K; required for class-id targets. */
  readonly numClasses: number | undefined;
  /** The model's input shape without the batch axis (`null`: any size). */
  readonly inputShape: readonly (number | null)[];
}

/** Checks one sample's shape against the model's input (skip for augmented data: a crop may resize it). */
export function checkInputShape(
  name: string,
  x: tf.Tensor,
  inputShape: readonly (number | null)[],
): void {
  const sample = x.shape.slice(1);
  const fits =
    sample.length === inputShape.length &&
    inputShape.every((d, i) => d === null || d === sample[i]);
  if (!fits) {
    const want = inputShape.map((d) => d ?? 'any').join(', ');
    throw new ShapeError(
      `${name} has samples of shape [${sample.join(', ')}] but the model takes [${want}]`,
    );
  }
}

function isTensor(value: unknown): value is tf.Tensor {
  return value instanceof tf.Tensor && !value.isDisposed;
}

/**
 * Checks `data` (shapes, dtypes, class-id range) before any training work. Reading the ids'
 * min/max is the one host read this does; it happens once per `fit`, not per step.
 * `checkInput` also compares one sample's shape with the model's input.
 */
export async function checkData(
  name: string,
  data: FitData,
  spec: TargetSpec,
  checkInput = true,
): Promise<CheckedData> {
  if (data === null || typeof data !== 'object')
    throw new InvalidArgumentError(name, data, 'an object { x: Tensor, y: Tensor }');
  const { x, y } = data;
  if (!isTensor(x) || x.rank < 2)
    throw new InvalidArgumentError(`${name}.x`, x, 'a live tensor of rank >= 2 ([N, ...features])');
  if (!isTensor(y) || (y.rank !== 1 && y.rank !== 2)) {
    throw new InvalidArgumentError(
      `${name}.y`,
      y,
      'a live tensor: class ids [N] or targets [N, K]',
    );
  }
  const size = x.shape[0]!;
  if (size < 1) throw new InvalidArgumentError(`${name}.x.shape[0]`, size, 'at least 1 sample');
  if (y.shape[0] !== size) {
    throw new ShapeError(
      `${name}.y has ${y.shape[0]} rows but ${name}.x has ${size}; they must match`,
    );
  }
  if (checkInput) checkInputShape(`${name}.x`, x, spec.inputShape);
  if (x.dtype !== 'float32')
    throw new InvalidArgumentError(`${name}.x.dtype`, x.dtype, "'float32'");
  if (y.rank === 2) {
    if (y.dtype !== 'float32')
      throw new InvalidArgumentError(`${name}.y.dtype`, y.dtype, "'float32' for [N, K] targets");
    const k = y.shape[1]!;
    if (spec.numClasses !== undefined && k !== spec.numClasses) {
      throw new ShapeError(`${name}.y has ${k} columns but numClasses is ${spec.numClasses}`);
    }
    if (spec.outputDim !== undefined && k !== spec.outputDim) {
      throw new ShapeError(`${name}.y has ${k} columns but the model outputs ${spec.outputDim}`);
    }
    return { x, y, size, targets: 'dense' };
  }
  if (spec.numClasses === undefined) {
    throw new InvalidArgumentError(
      'numClasses',
      undefined,
      `set (an integer >= 2) when ${name}.y holds class ids`,
    );
  }
  if (y.dtype !== 'int32')
    throw new InvalidArgumentError(`${name}.y.dtype`, y.dtype, "'int32' for class ids [N]");
  const bounds = tf.tidy(() => tf.stack([tf.min(y), tf.max(y)]));
  const [lo, hi] = await bounds.data();
  bounds.dispose();
  if (lo! < 0 || hi! >= spec.numClasses) {
    throw new InvalidArgumentError(
      `${name}.y`,
      `ids in [${lo}, ${hi}]`,
      `class ids in [0, ${spec.numClasses - 1}]`,
    );
  }
  return { x, y, size, targets: 'ids' };
}

/**
 * Targets as the loss sees them: ids become float32 one-hot rows (so label smoothing and
 * mixing work on them), dense targets pass through.
 */
export function denseTargets(
  y: tf.Tensor,
  kind: TargetKind,
  numClasses: number | undefined,
): tf.Tensor {
  if (kind === 'dense') return y;
  // int32 one-hot, then cast: wasm's OneHot kernel ignores a float32 dtype and writes int32 bits.
  return tf.tidy(() => tf.cast(tf.oneHot(y as tf.Tensor1D, numClasses!), 'float32'));
}
