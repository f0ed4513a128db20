import { checkOneOf, checkRate, ShapeError } from '@overfit/core';
import type * as tf from '@tensorflow/tfjs-core';
import { registerSerializable } from '../tfjs-bases.js';
import { dropout } from './dropout.js';
import { StochasticLayer, type StochasticLayerArgs } from './stochastic.js';

/** Arguments of {@link SpatialDropout2D}. */
export interface SpatialDropout2DArgs extends StochasticLayerArgs {
  /** Fraction of channels dropped, in [0, 1). */
  rate: number;
  /** Where the channels are: `'channelsLast'` (NHWC, default) or `'channelsFirst'` (NCHW). */
  dataFormat?: 'channelsLast' | 'channelsFirst';
}

/**
 * Drops whole feature maps (PyTorch's `Dropout2d`, Keras' `SpatialDropout2D`): one Bernoulli
 * draw per (sample, channel), kept maps scaled by `1 / (1 - rate)`. Neighbouring pixels of a
 * conv feature map are strongly correlated, so element-wise dropout barely regularizes there.
 *
 * `y[n, h, w, c] = x[n, h, w, c] * m[n, c] / (1 - rate)`, `m ~ Bernoulli(1 - rate)`; identity at
 * inference.
 *
 * @example layers: [layers.conv2d({ filters: 32, kernelSize: 3 }), new SpatialDropout2D({ rate: 0.1, seed: 1 })]
 */
export class SpatialDropout2D extends StochasticLayer {
  static className = 'OverfitSpatialDropout2D';
  readonly rate: number;
  readonly dataFormat: 'channelsLast' | 'channelsFirst';

  constructor(args: SpatialDropout2DArgs) {
    super(args);
    this.rate = checkRate('rate', args?.rate);
    this.dataFormat = checkOneOf('dataFormat', args.dataFormat ?? 'channelsLast', [
      'channelsLast',
      'channelsFirst',
    ] as const);
  }

  override build(inputShape: (number | null)[] | (number | null)[][]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    if (shape.length !== 4)
      throw new ShapeError(
        `SpatialDropout2D expects rank-4 input, got shape [${shape.join(', ')}]`,
      );
    super.build(inputShape);
  }

  protected override training(x: tf.Tensor): tf.Tensor {
    if (x.rank !== 4)
      throw new ShapeError(
        `SpatialDropout2D expects rank-4 input, got shape [${x.shape.join(', ')}]`,
      );
    const [n, a, , c] = x.shape as number[];
    const noiseShape = this.dataFormat === 'channelsLast' ? [n!, 1, 1, c!] : [n!, a!, 1, 1];
    return dropout(x, this.rate, { seed: this.nextSeed(), training: true, noiseShape });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, dataFormat: this.dataFormat };
  }
}
registerSerializable(SpatialDropout2D, 'layer');
