import { checkNumber, InvalidArgumentError, type Rng } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import {
  Augmentation,
  checkBatchShape,
  checkCount,
  checkImages,
  checkP,
  drawMask,
  type Json,
} from './augmentation.js';
import { checkOptions } from './geometric-base.js';
import { fillBoxes } from './ops/boxes.js';
import { exactly, type Range, toRange } from './ranges.js';
import { randInt } from './sampling.js';
import { registerTransform } from './transform-registry.js';

/** Per image, the channels set to the fill value. */
export interface ChannelDropParams {
  dropped: number[][];
}

/**
 * Channel dropout (albumentations `ChannelDropout`): per image, with probability `p`, sets
 * between `channels[0]` and `channels[1]` random channels (at most C - 1) to `fillValue`.
 */
export class ChannelDropout extends Augmentation<ChannelDropParams> {
  readonly name = 'channelDropout';
  readonly channels: Range;
  readonly fillValue: number;
  readonly p: number;
  constructor(args: { channels?: readonly [number, number]; fillValue?: number; p?: number } = {}) {
    super();
    checkOptions('channelDropout', args, ['channels', 'fillValue', 'p']);
    this.channels = toRange('channels', args.channels ?? [1, 1], exactly, { min: 1 });
    if (!this.channels.every(Number.isInteger))
      throw new InvalidArgumentError('channels', args.channels, 'integer channel counts');
    this.fillValue = checkNumber('fillValue', args.fillValue ?? 0, { min: 0, max: 1 });
    this.p = checkP(args.p ?? 0.5);
  }
  sampleParams(shape: readonly number[], rng: Rng): ChannelDropParams {
    const [n, , , c] = checkBatchShape(shape);
    if (this.channels[1] > c - 1)
      throw new InvalidArgumentError(
        'channels',
        this.channels,
        `at most C - 1 = ${c - 1} for ${c}-channel images`,
      );
    return {
      dropped: drawMask(n, this.p, rng).map((on) => {
        if (!on) return [];
        const k = this.channels[0] + randInt(rng, this.channels[1] - this.channels[0] + 1);
        return Array.from(rng.permutation(c).slice(0, k)).sort((a, b) => a - b);
      }),
    };
  }
  apply(images: tf.Tensor, params: ChannelDropParams): tf.Tensor {
    const [n, , , c] = checkImages(images);
    checkCount('dropped', params.dropped, n);
    return tf.tidy(() => {
      const mask = tf.tensor4d(
        params.dropped.flatMap((d) => Array.from({ length: c }, (_, j) => (d.includes(j) ? 1 : 0))),
        [n, 1, 1, c],
      );
      return fillBoxes(images, mask, this.fillValue, 0);
    });
  }
  getOptions(): Record<string, Json> {
    return { channels: this.channels, fillValue: this.fillValue, p: this.p };
  }
}

/**
 * Channel dropout (needs at least 2 channels).
 *
 * @example const t = channelDropout({ channels: [1, 2], p: 0.3 });
 */
export const channelDropout = (
  args: { channels?: readonly [number, number]; fillValue?: number; p?: number } = {},
) => new ChannelDropout(args);

// Registered next to their definitions: the config, deserialize and spec parser read these.
registerTransform('channelDropout', channelDropout, { positional: ['p'] });
