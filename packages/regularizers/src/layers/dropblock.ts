import { checkInteger, checkRate, ShapeError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { registerSerializable } from '../tfjs-bases.js';
import { StochasticLayer, type StochasticLayerArgs } from './stochastic.js';

/** Arguments of {@link DropBlock2D}. */
export interface DropBlock2DArgs extends StochasticLayerArgs {
  /** Target fraction of dropped activations, in [0, 1). */
  rate: number;
  /** Side of the square blocks dropped (default 7, as in the paper); clipped to the map size. */
  blockSize?: number;
}

/**
 * Per-position keep probability `(1 - gamma)^(n_r * n_c)`, where `n_r` (`n_c`) counts the
 * block seeds whose block covers row r (column c). Near the borders fewer blocks reach a
 * position, so it is kept more often.
 */
function keepProbability(h: number, w: number, block: number, gamma: number): tf.Tensor {
  const covering = (i: number, size: number) =>
    Math.min(i, size - block) - Math.max(0, i - block + 1) + 1;
  const values = new Float32Array(h * w);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++)
      values[r * w + c] = (1 - gamma) ** (covering(r, h) * covering(c, w));
  }
  return tf.tensor4d(values, [1, h, w, 1]);
}

/**
 * DropBlock (Ghiasi et al. 2018) for NHWC feature maps: drops contiguous `blockSize x blockSize`
 * regions per channel, which a conv net cannot route around the way it does for scattered
 * dropped pixels.
 *
 * Block seeds are drawn with the paper's rate
 * `gamma = rate / blockSize^2 * (H * W) / ((H - blockSize + 1) * (W - blockSize + 1))`
 * at positions where a whole block fits; each seed zeroes its block. Kept activations are
 * divided by their exact keep probability (see `keepProbability`), so `E[y] = x` holds
 * exactly at every position — the paper's `count / count_ones` renormalization is only
 * approximately unbiased. Identity at inference.
 *
 * @example layers: [layers.conv2d({ filters: 16, kernelSize: 3 }), new DropBlock2D({ rate: 0.1, blockSize: 3, seed: 1 })]
 */
export class DropBlock2D extends StochasticLayer {
  static className = 'OverfitDropBlock2D';
  readonly rate: number;
  readonly blockSize: number;

  constructor(args: DropBlock2DArgs) {
    super(args);
    this.rate = checkRate('rate', args?.rate);
    this.blockSize = checkInteger('blockSize', args.blockSize ?? 7);
  }

  override build(inputShape: (number | null)[] | (number | null)[][]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    if (shape.length !== 4)
      throw new ShapeError(`DropBlock2D expects NHWC input, got shape [${shape.join(', ')}]`);
    super.build(inputShape);
  }

  protected override training(x: tf.Tensor): tf.Tensor {
    if (x.rank !== 4)
      throw new ShapeError(`DropBlock2D expects NHWC input, got shape [${x.shape.join(', ')}]`);
    const seed = this.nextSeed();
    if (this.rate === 0) return tf.clone(x);
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const block = Math.min(this.blockSize, h, w);
    const validH = h - block + 1;
    const validW = w - block + 1;
    // gamma <= rate < 1 for every block size in [1, min(H, W)], so keep probabilities stay > 0.
    const gamma = ((this.rate / (block * block)) * (h * w)) / (validH * validW);
    const seeds = tf.cast(
      tf.less(tf.randomUniform([n, validH, validW, c], 0, 1, 'float32', seed), gamma),
      'float32',
    );
    // A seed at (i, j) drops rows i..i+block-1 and columns j..j+block-1: pad by block-1 on each
    // side, then a block-wide max-pool marks every position some seed's block covers.
    const padded = tf.pad(seeds, [
      [0, 0],
      [block - 1, block - 1],
      [block - 1, block - 1],
      [0, 0],
    ]);
    const dropped = tf.maxPool(padded as tf.Tensor4D, [block, block], 1, 'valid');
    const keep = tf.sub(1, dropped);
    return tf.mul(x, tf.div(keep, keepProbability(h, w, block, gamma)));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, blockSize: this.blockSize };
  }
}
registerSerializable(DropBlock2D, 'layer');
