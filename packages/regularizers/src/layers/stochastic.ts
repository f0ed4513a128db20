import { checkSeed, deriveSeed } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { layers } from '@tensorflow/tfjs-layers';

/** Arguments every seeded stochastic layer takes, on top of tfjs-layers' own. */
export interface StochasticLayerArgs {
  /**
   * Seed of the layer's random stream. Each training-mode call draws from a fresh child seed
   * (seed, call index), so masks differ from step to step but a rerun with the same seed
   * repeats them exactly. Default: a seed drawn at construction and kept in `getConfig()`.
   */
  seed?: number;
  name?: string;
  trainable?: boolean;
  inputShape?: (number | null)[];
  batchInputShape?: (number | null)[];
  dtype?: 'float32';
}

/** Kwargs tfjs-layers passes to `call`: `training` is true in `model.fit` / the Trainer. */
export type CallKwargs = { training?: boolean; [key: string]: unknown };

/**
 * Base of every seeded noise/dropping layer (Dropout and its family).
 *
 * Why not tfjs' own `seed`: tfjs-layers' Dropout feeds the same seed to every call, so the
 * mask never changes between steps. Here the layer counts its training-mode calls and derives
 * one seed per call from `(seed, count)`; `resetStream()` rewinds it.
 *
 * Subclasses implement {@link StochasticLayer.training} (the noisy path) and, if not the
 * identity, {@link StochasticLayer.inference}.
 */
export abstract class StochasticLayer extends layers.Layer {
  readonly seed: number;
  private calls = 0;

  constructor(args: StochasticLayerArgs = {}) {
    const { seed, ...layerArgs } = args;
    super(layerArgs);
    this.seed = seed === undefined ? Math.floor(Math.random() * 2 ** 31) : checkSeed('seed', seed);
    this.supportsMasking = true;
  }

  /** Seed for the next training-mode draw; advances the stream. */
  protected nextSeed(): number {
    return deriveSeed(this.seed, this.calls++);
  }

  /** Rewinds the stream to its first draw (same seed, same masks again). */
  resetStream(): void {
    this.calls = 0;
  }

  /** Number of training-mode draws made so far (for checkpointing the stream). */
  get drawCount(): number {
    return this.calls;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return tf.tidy(() => (kwargs?.training === true ? this.training(x) : this.inference(x)));
  }

  /** The training-mode output. Draw randomness only through {@link StochasticLayer.nextSeed}. */
  protected abstract training(x: tf.Tensor): tf.Tensor;

  /** The inference-mode output; identity unless overridden. */
  protected inference(x: tf.Tensor): tf.Tensor {
    return tf.clone(x);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), seed: this.seed };
  }
}
