import { checkOneOf, checkRate } from '@overfit/core';
import type * as tf from '@tensorflow/tfjs-core';
import { registerSerializable } from '../tfjs-bases.js';
import { dropout } from './dropout.js';
import { StochasticLayer, type StochasticLayerArgs } from './stochastic.js';

/** Arguments of {@link StochasticDepth}. */
export interface StochasticDepthArgs extends StochasticLayerArgs {
  /** Probability of dropping the residual branch, in [0, 1). */
  rate: number;
  /** `'row'` (default): one draw per sample; `'batch'`: one draw for the whole batch. */
  mode?: 'row' | 'batch';
}

/**
 * Stochastic depth (Huang et al. 2016) as in `torchvision.ops.StochasticDepth`: put it on the
 * output of a residual branch, before the addition `x + branch(x)`. In training the branch
 * is zeroed with probability `rate` and otherwise scaled by `1 / (1 - rate)` (so `E[y] = x`),
 * per sample (`'row'`) or per batch; identity at inference.
 *
 * @example
 * const branch = new StochasticDepth({ rate: 0.1, seed: 1 }).apply(conv2.apply(conv1.apply(x)));
 * const out = layers.add().apply([x, branch]);
 */
export class StochasticDepth extends StochasticLayer {
  static className = 'OverfitStochasticDepth';
  readonly rate: number;
  readonly mode: 'row' | 'batch';

  constructor(args: StochasticDepthArgs) {
    super(args);
    this.rate = checkRate('rate', args?.rate);
    this.mode = checkOneOf('mode', args.mode ?? 'row', ['row', 'batch'] as const);
  }

  protected override training(x: tf.Tensor): tf.Tensor {
    const noiseShape = x.shape.map((d, i) => (i === 0 && this.mode === 'row' ? d : 1));
    return dropout(x, this.rate, { seed: this.nextSeed(), training: true, noiseShape });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, mode: this.mode };
  }
}
registerSerializable(StochasticDepth, 'layer');
