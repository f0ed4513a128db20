import { checkRate, checkSeed, InvalidArgumentError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { registerSerializable } from '../tfjs-bases.js';
import { StochasticLayer, type StochasticLayerArgs } from './stochastic.js';

/**
 * Inverted dropout, functional form: keeps each element with probability `1 - rate` and
 * divides kept values by `1 - rate`, so `E[dropout(x)] = x`; identity when `training` is false.
 *
 * `noiseShape` broadcasts the mask (e.g. `[N, 1, 1, C]` drops whole channels).
 *
 * @example
 * const y = dropout(x, 0.5, { seed: 1, training: true });
 */
export function dropout(
  x: tf.Tensor,
  rate: number,
  options: { seed: number; training?: boolean; noiseShape?: number[] },
): tf.Tensor {
  checkRate('rate', rate);
  checkSeed('options.seed', options.seed);
  const noiseShape = options.noiseShape ?? x.shape;
  if (noiseShape.length !== x.rank || noiseShape.some((d, i) => d !== 1 && d !== x.shape[i])) {
    throw new InvalidArgumentError(
      'options.noiseShape',
      noiseShape,
      `broadcastable to the input shape [${x.shape.join(', ')}] (each dim equal or 1)`,
    );
  }
  if (options.training === false || rate === 0) return tf.clone(x);
  return tf.tidy(() => {
    const keep = tf.cast(
      tf.greaterEqual(tf.randomUniform(noiseShape, 0, 1, 'float32', options.seed), rate),
      'float32',
    );
    return tf.mul(x, tf.div(keep, 1 - rate));
  });
}

/** Arguments of {@link Dropout}. */
export interface DropoutArgs extends StochasticLayerArgs {
  /** Fraction of units dropped, in [0, 1). */
  rate: number;
  /** Mask shape broadcast against the input; `null` entries take the input's size. */
  noiseShape?: (number | null)[];
}

/**
 * Inverted dropout layer with a seeded, per-step mask (tfjs-layers' own Dropout repeats the
 * same mask every step when given a seed). Identity at inference.
 *
 * Formula (training): `y = x * m / (1 - rate)`, `m ~ Bernoulli(1 - rate)`.
 */
export class Dropout extends StochasticLayer {
  static className = 'OverfitDropout';
  readonly rate: number;
  readonly noiseShape: (number | null)[] | undefined;

  constructor(args: DropoutArgs) {
    super(args);
    this.rate = checkRate('rate', args?.rate);
    this.noiseShape = args.noiseShape;
  }

  protected override training(x: tf.Tensor): tf.Tensor {
    const noiseShape = this.noiseShape?.map((d, i) => d ?? x.shape[i]!);
    return dropout(x, this.rate, { seed: this.nextSeed(), training: true, noiseShape });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, noiseShape: this.noiseShape ?? null };
  }
}
registerSerializable(Dropout, 'layer');
