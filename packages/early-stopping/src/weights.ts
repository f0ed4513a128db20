import type { CallbackModel } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * A copy of a model's weights kept on the device, never read back to the host. `tf.clone` is
 * the Identity kernel: on the cpu backend it shares the variable's buffer (reference-counted;
 * the optimizer's `assign` gives the variable a new buffer and leaves the copy intact), on wasm
 * it is one device-side copy per weight.
 */
export class WeightSnapshot {
  private tensors: tf.Tensor[] | undefined;

  /** Whether a snapshot is held. */
  get held(): boolean {
    return this.tensors !== undefined;
  }

  /** Number of tensors held (0 when empty). */
  get size(): number {
    return this.tensors?.length ?? 0;
  }

  /** Replaces the held copy with the model's current weights (all of them, not only trainable). */
  capture(model: CallbackModel): void {
    const copies = tf.tidy(() => model.getWeights().map((w) => tf.clone(w)));
    this.dispose();
    this.tensors = copies;
  }

  /** Writes the held copy into `model`; returns false when nothing is held. */
  restore(model: CallbackModel): boolean {
    if (this.tensors === undefined) return false;
    model.setWeights(this.tensors);
    return true;
  }

  /** Frees the held copy. */
  dispose(): void {
    if (this.tensors !== undefined) tf.dispose(this.tensors);
    this.tensors = undefined;
  }
}
