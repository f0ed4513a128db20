import { checkBoolean, checkRate, checkSeed, InvalidArgumentError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { registerSerializable } from '../tfjs-bases.js';
import { StochasticLayer, type StochasticLayerArgs } from './stochastic.js';

/**
 * The shape of a dropout mask for `x`: `noiseShape` with `null` entries taken from `x` (Keras'
 * `noise_shape`), or `x`'s own shape.
 *
 * @throws InvalidArgumentError naming `argument` unless each dim equals `x`'s or is 1
 */
export function maskShape(
  argument: string,
  x: tf.Tensor,
  noiseShape: readonly (number | null)[] | undefined,
): number[] {
  const shape = noiseShape?.map((d, i) => d ?? x.shape[i]!) ?? x.shape;
  if (shape.length !== x.rank || shape.some((d, i) => d !== 1 && d !== x.shape[i])) {
    throw new InvalidArgumentError(
      argument,
      noiseShape,
      `broadcastable to the input shape [${x.shape.join(', ')}] (each dim equal or 1; null: the input's)`,
    );
  }
  return shape;
}

/** Options of {@link dropout}. */
export interface DropoutOptions {
  seed: number;
  training?: boolean;
  noiseShape?: number[];
  /**
   * Default true: inverted dropout, kept values divided by `1 - rate` in training and the
   * identity at inference (what frameworks do). `false`: the course's "standard" dropout,
   * `x * m` in training and `x * (1 - rate)` at inference (Srivastava et al.).
   */
  inverted?: boolean;
}

/**
 * Dropout, functional form: keeps each element with probability `1 - rate`. Inverted (the
 * default): kept values are divided by `1 - rate`, so `E[dropout(x)] = x`, and it is the
 * identity when `training` is false. With `inverted: false`: `x * m` in training and
 * `x * (1 - rate)` when `training` is false (the same expectation, scaled at test time).
 *
 * `noiseShape` broadcasts the mask (e.g. `[N, 1, 1, C]` drops whole channels).
 *
 * @example
 * const y = dropout(x, 0.5, { seed: 1, training: true });
 */
export function dropout(x: tf.Tensor, rate: number, options: DropoutOptions): tf.Tensor {
  checkRate('rate', rate);
  checkSeed('options.seed', options.seed);
  const inverted = checkBoolean('options.inverted', options.inverted ?? true);
  const noiseShape = maskShape('options.noiseShape', x, options.noiseShape);
  if (options.training === false || rate === 0)
    return inverted || rate === 0 ? tf.clone(x) : tf.mul(x, 1 - rate);
  return tf.tidy(() => {
    const keep = tf.cast(
      tf.greaterEqual(tf.randomUniform(noiseShape, 0, 1, 'float32', options.seed), rate),
      'float32',
    );
    return tf.mul(x, inverted ? tf.div(keep, 1 - rate) : keep);
  });
}

/** Arguments of {@link Dropout}. */
export interface DropoutArgs extends StochasticLayerArgs {
  /** Fraction of units dropped, in [0, 1). */
  rate: number;
  /** Mask shape broadcast against the input; `null` entries take the input's size. */
  noiseShape?: (number | null)[];
  /** Default true (inverted dropout); `false`: scale by `1 - rate` at inference instead. */
  inverted?: boolean;
}

/**
 * Dropout layer with a seeded, per-step mask (tfjs-layers' own Dropout repeats the same mask
 * every step when given a seed).
 *
 * Inverted (default): training `y = x * m / (1 - rate)`, `m ~ Bernoulli(1 - rate)`; identity at
 * inference. `inverted: false` (the course's standard dropout): training `y = x * m`,
 * inference `y = x * (1 - rate)`.
 *
 * @example new Dropout({ rate: 0.5, inverted: false, seed: 1 })
 */
export class Dropout extends StochasticLayer {
  static className = 'OverfitDropout';
  readonly rate: number;
  readonly noiseShape: (number | null)[] | undefined;
  readonly inverted: boolean;

  constructor(args: DropoutArgs) {
    super(args);
    this.rate = checkRate('rate', args?.rate);
    this.noiseShape = args.noiseShape;
    this.inverted = checkBoolean('inverted', args.inverted ?? true);
  }

  protected override training(x: tf.Tensor): tf.Tensor {
    return dropout(x, this.rate, {
      seed: this.nextSeed(),
      training: true,
      noiseShape: maskShape('noiseShape', x, this.noiseShape),
      inverted: this.inverted,
    });
  }

  protected override inference(x: tf.Tensor): tf.Tensor {
    return this.inverted ? tf.clone(x) : tf.mul(x, 1 - this.rate);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      rate: this.rate,
      noiseShape: this.noiseShape ?? null,
      inverted: this.inverted,
    };
  }
}
registerSerializable(Dropout, 'layer');
