import { checkRate } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { registerSerializable } from '../tfjs-bases.js';
import { maskShape } from './dropout.js';
import { StochasticLayer, type StochasticLayerArgs } from './stochastic.js';

// SELU constants (Klambauer et al. 2017).
const ALPHA = 1.6732632423543772;
const SCALE = 1.0507009873554805;
const ALPHA_P = -ALPHA * SCALE;

/** Arguments of {@link AlphaDropout}. */
export interface AlphaDropoutArgs extends StochasticLayerArgs {
  /** Drop rate in [0, 1). */
  rate: number;
  /** Mask shape broadcast against the input (Keras' `noise_shape`); `null` entries take the input's size. */
  noiseShape?: (number | null)[];
}

/**
 * Alpha dropout for self-normalizing (SELU) networks: dropped units are set to SELU's negative
 * saturation `alpha' = -scale * alpha` instead of 0, then an affine map `a * x + b` restores
 * zero mean and unit variance:
 * `a = ((1 - rate) * (1 + rate * alpha'^2))^(-1/2)`, `b = -a * alpha' * rate`.
 * Keeps mean 0 / variance 1 of standardized inputs (not `E[y] = x` elementwise); identity at
 * inference. Same formula as Keras and PyTorch.
 *
 * @example new AlphaDropout({ rate: 0.1, seed: 3 })
 */
export class AlphaDropout extends StochasticLayer {
  static className = 'OverfitAlphaDropout';
  readonly rate: number;
  readonly noiseShape: (number | null)[] | undefined;

  constructor(args: AlphaDropoutArgs) {
    super(args);
    this.rate = checkRate('rate', args?.rate);
    this.noiseShape = args.noiseShape ?? undefined;
  }

  protected override training(x: tf.Tensor): tf.Tensor {
    const p = this.rate;
    if (p === 0) return tf.clone(x);
    const a = ((1 - p) * (1 + p * ALPHA_P ** 2)) ** -0.5;
    const b = -a * ALPHA_P * p;
    const keep = tf.cast(
      tf.greaterEqual(
        tf.randomUniform(
          maskShape('noiseShape', x, this.noiseShape),
          0,
          1,
          'float32',
          this.nextSeed(),
        ),
        p,
      ),
      'float32',
    );
    const dropped = tf.add(tf.mul(x, keep), tf.mul(ALPHA_P, tf.sub(1, keep)));
    return tf.add(tf.mul(dropped, a), b);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, noiseShape: this.noiseShape ?? null };
  }
}
registerSerializable(AlphaDropout, 'layer');
