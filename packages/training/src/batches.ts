import { deriveSeed, Rng } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';

/** `[start, size]` of each batch; the last one may be short. */
export function batchBounds(size: number, batchSize: number): Array<readonly [number, number]> {
  const bounds: Array<readonly [number, number]> = [];
  for (let start = 0; start < size; start += batchSize)
    bounds.push([start, Math.min(batchSize, size - start)]);
  return bounds;
}

/** Rows `[start, start + size)` of `t` along axis 0, on the device. */
export function sliceRows(t: tf.Tensor, start: number, size: number): tf.Tensor {
  const begin = t.shape.map((_, i) => (i === 0 ? start : 0));
  const extent = t.shape.map((d, i) => (i === 0 ? size : d));
  return tf.slice(t, begin, extent);
}

/**
 * One epoch's sample order. Shuffled epochs hold a seeded permutation as an int32 tensor
 * (uploaded once per epoch) and gather each batch on the device, so no data is copied to the
 * host per batch. The permutation of epoch `e` depends only on `(seed, e)`: a run resumed
 * with `initialEpoch` sees the same orders as an unbroken one.
 */
export class EpochOrder {
  private readonly permutation: tf.Tensor1D | null;

  constructor(size: number, shuffle: boolean, seed: number, epoch: number) {
    this.permutation = shuffle
      ? tf.tensor1d(new Rng(deriveSeed(seed, `shuffle/${epoch}`)).permutation(size), 'int32')
      : null;
  }

  /** The batch `[start, start + size)` of this epoch's order, taken from `t`. */
  rows(t: tf.Tensor, start: number, size: number): tf.Tensor {
    if (this.permutation === null) return sliceRows(t, start, size);
    return tf.tidy(() => tf.gather(t, tf.slice(this.permutation!, [start], [size])));
  }

  dispose(): void {
    this.permutation?.dispose();
  }
}
