import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

type NamedTensor = { name: string; tensor: tf.Tensor };

/**
 * The model's weights (trainable or not) and the optimizer's state at one moment, so that a
 * window of steps that went non-finite can be undone as a whole.
 *
 * Cheap: `tf.clone` shares the buffer on the cpu backend (variables are replaced, not
 * written in place, by `assign`) and is one device copy elsewhere; it is taken once per read
 * window. Optimizer state comes from `optimizer.getWeights()`; an optimizer without it
 * (custom ones) is restored weights-only, which {@link TrainingSnapshot.restore} reports.
 */
export class TrainingSnapshot {
  private constructor(
    private readonly optimizer: tf.Optimizer,
    private weights: Array<{ variable: tf.Variable; value: tf.Tensor }> | null,
    private optimizerState: NamedTensor[] | null,
  ) {}

  static async take(model: LayersModel, optimizer: tf.Optimizer): Promise<TrainingSnapshot> {
    const weights = model.weights.map((w) => {
      const variable = w.read() as tf.Variable;
      return { variable, value: tf.clone(variable) };
    });
    let state: NamedTensor[] | null = null;
    try {
      const live = await optimizer.getWeights();
      // Slot variables are cloned; anything else (the iteration count) is a fresh tensor we own.
      state = live.map(({ name, tensor }) => ({
        name,
        tensor: tensor instanceof tf.Variable ? tf.clone(tensor) : tensor,
      }));
    } catch {
      state = null;
    }
    return new TrainingSnapshot(optimizer, weights, state);
  }

  /**
   * Puts the weights and optimizer state back; returns whether the optimizer state could be
   * restored. The snapshot is disposed afterwards.
   */
  async restore(): Promise<boolean> {
    if (this.weights === null) throw new Error('TrainingSnapshot used after dispose');
    for (const { variable, value } of this.weights) variable.assign(value);
    let restored = false;
    if (this.optimizerState !== null) {
      const before = await this.optimizer.getWeights();
      await this.optimizer.setWeights(this.optimizerState);
      const after = await this.optimizer.getWeights();
      // setWeights makes new slot variables; dispose the replaced ones and every fresh tensor.
      const kept = new Set(after.map((w) => w.tensor));
      tf.dispose(
        before.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable) || !kept.has(t)),
      );
      tf.dispose(after.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable)));
      restored = true;
    }
    this.dispose();
    return restored;
  }

  dispose(): void {
    if (this.weights !== null) tf.dispose(this.weights.map((w) => w.value));
    if (this.optimizerState !== null) tf.dispose(this.optimizerState.map((w) => w.tensor));
    this.weights = null;
    this.optimizerState = null;
  }
}
