import type { Rng } from '@overfit/core';
import {
  type BatchShape,
  checkBatchShape,
  checkCount,
  drawMask,
  type Json,
} from './augmentation.js';
import { checkOptions, GeometricAugmentation, type WarpArgs } from './geometric-base.js';
import { identity, type Mat3 } from './ops/matrix.js';
import { registerTransform } from './transform-registry.js';

/** Parameters drawn by {@link flip}: whether each image is mirrored. */
export interface FlipParams {
  flip: boolean[];
}

/**
 * Mirrors images left-right (`'horizontal'`) or top-bottom (`'vertical'`) with probability
 * `p` (default 0.5): `x_in = W - 1 - x_out`.
 */
export class RandomFlip extends GeometricAugmentation<FlipParams> {
  readonly name: string;
  constructor(
    readonly direction: 'horizontal' | 'vertical',
    args: Pick<WarpArgs, 'p'> = {},
  ) {
    super(checkOptions(`${direction}Flip`, args, ['p']), {
      p: 0.5,
      interpolation: 'nearest',
      fillMode: 'nearest',
      fillValue: 0,
    });
    this.name = direction === 'horizontal' ? 'horizontalFlip' : 'verticalFlip';
  }
  sampleParams(shape: readonly number[], rng: Rng): FlipParams {
    return { flip: drawMask(checkBatchShape(shape)[0], this.p, rng) };
  }
  inverseMatrices(params: FlipParams, [n, h, w]: BatchShape): Mat3[] {
    checkCount('flip', params.flip, n);
    const mirror: Mat3 =
      this.direction === 'horizontal'
        ? [-1, 0, w - 1, 0, 1, 0, 0, 0, 1]
        : [1, 0, 0, 0, -1, h - 1, 0, 0, 1];
    return params.flip.map((f) => (f ? mirror : identity()));
  }
  getOptions(): Record<string, Json> {
    return { p: this.p };
  }
}

/**
 * Horizontal flip with probability `p` (default 0.5). Unsafe for digits and letters.
 *
 * @example const t = horizontalFlip({ p: 0.5 });
 */
export const horizontalFlip = (args: { p?: number } = {}) => new RandomFlip('horizontal', args);
/**
 * Vertical flip with probability `p` (default 0.5).
 *
 * @example const t = verticalFlip();
 */
export const verticalFlip = (args: { p?: number } = {}) => new RandomFlip('vertical', args);

// Registered next to their definitions: the config, deserialize and spec parser read these.
registerTransform('horizontalFlip', horizontalFlip, { positional: ['p'], aliases: ['hflip'] });
registerTransform('verticalFlip', verticalFlip, { positional: ['p'], aliases: ['vflip'] });
