import { checkNumber, checkRate } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { registerSerializable } from '../tfjs-bases.js';
import { StochasticLayer, type StochasticLayerArgs } from './stochastic.js';

/** Arguments of {@link GaussianDropout}. */
export interface GaussianDropoutArgs extends StochasticLayerArgs {
  /** Drop rate in [0, 1); the noise variance is `rate / (1 - rate)`. */
  rate: number;
}

/**
 * Multiplicative Gaussian noise with the mean and variance of inverted dropout at the same
 * rate (Srivastava et al. 2014, section 10):
 * `y = x * e`, `e ~ N(1, rate / (1 - rate))`; identity at inference. `E[y] = x`.
 *
 * @example new GaussianDropout({ rate: 0.2, seed: 7 })
 */
export class GaussianDropout extends StochasticLayer {
  static className = 'OverfitGaussianDropout';
  readonly rate: number;

  constructor(args: GaussianDropoutArgs) {
    super(args);
    this.rate = checkRate('rate', args?.rate);
  }

  protected override training(x: tf.Tensor): tf.Tensor {
    if (this.rate === 0) return tf.clone(x);
    const std = Math.sqrt(this.rate / (1 - this.rate));
    return tf.mul(x, tf.randomNormal(x.shape, 1, std, 'float32', this.nextSeed()));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}
registerSerializable(GaussianDropout, 'layer');

/** Arguments of {@link GaussianNoise}. */
export interface GaussianNoiseArgs extends StochasticLayerArgs {
  /** Standard deviation of the added noise, >= 0. */
  stddev: number;
}

/**
 * Additive zero-mean Gaussian noise, `y = x + N(0, stddev^2)` in training, identity at
 * inference; a data-side regularizer (noise injection ~ Tikhonov regularization, Bishop 1995).
 *
 * @example new GaussianNoise({ stddev: 0.1, seed: 7 })
 */
export class GaussianNoise extends StochasticLayer {
  static className = 'OverfitGaussianNoise';
  readonly stddev: number;

  constructor(args: GaussianNoiseArgs) {
    super(args);
    this.stddev = checkNumber('stddev', args?.stddev, { min: 0 });
  }

  protected override training(x: tf.Tensor): tf.Tensor {
    if (this.stddev === 0) return tf.clone(x);
    return tf.add(x, tf.randomNormal(x.shape, 0, this.stddev, 'float32', this.nextSeed()));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), stddev: this.stddev };
  }
}
registerSerializable(GaussianNoise, 'layer');
