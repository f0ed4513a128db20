import { checkNumber, type Rng } from '@overfit/core';
import {
  type BatchShape,
  checkBatchShape,
  checkCount,
  drawMask,
  type Json,
} from './augmentation.js';
import { checkOptions, GeometricAugmentation, WARP_KEYS, type WarpArgs } from './geometric-base.js';
import { homography, type Mat3 } from './ops/matrix.js';
import { registerTransform } from './transform-registry.js';

/** Options of {@link perspective}. */
export interface PerspectiveArgs extends WarpArgs {
  /** How far corners may move, as a fraction of half the size, in [0, 1]; default 0.5. */
  distortion?: number;
}

/**
 * Per image, where the 4 corners (TL, TR, BR, BL) move to: 8 numbers `[x0, y0, ..., x3, y3]`
 * in pixel-index coordinates (pixel centres at integers; the unmoved corners are the corner
 * pixels' centres `(0, 0), (W-1, 0), (W-1, H-1), (0, H-1)`). torchvision's points are PIL
 * coordinates (pixel centres at `i + 0.5`): ours equal `F.perspective(img, startpoints =
 * [[0.5, 0.5], [W-0.5, 0.5], [W-0.5, H-0.5], [0.5, H-0.5]], endpoints = corners + 0.5)`.
 */
export interface PerspectiveParams {
  corners: number[][];
}

/**
 * Random perspective (torchvision `RandomPerspective`, default p = 0.5): each corner moves
 * inwards by up to `distortion · size / 2`; the homography from the moved corners back to
 * the original ones resamples the image.
 */
export class RandomPerspective extends GeometricAugmentation<PerspectiveParams> {
  readonly name = 'perspective';
  readonly distortion: number;
  constructor(args: PerspectiveArgs = {}) {
    super(checkOptions('perspective', args, ['distortion', ...WARP_KEYS]), {
      p: 0.5,
      interpolation: 'bilinear',
      fillMode: 'constant',
      fillValue: 0,
    });
    this.distortion = checkNumber('distortion', args.distortion ?? 0.5, { min: 0, max: 1 });
  }
  private static start(h: number, w: number): [number, number][] {
    return [
      [0, 0],
      [w - 1, 0],
      [w - 1, h - 1],
      [0, h - 1],
    ];
  }
  sampleParams(shape: readonly number[], rng: Rng): PerspectiveParams {
    const [n, h, w] = checkBatchShape(shape);
    const dx = (this.distortion * w) / 2;
    const dy = (this.distortion * h) / 2;
    const inward = [
      [1, 1],
      [-1, 1],
      [-1, -1],
      [1, -1],
    ];
    const corners = drawMask(n, this.p, rng).map((on) =>
      RandomPerspective.start(h, w).flatMap(([x, y], k) =>
        on
          ? [x + inward[k]![0]! * rng.uniform(0, dx), y + inward[k]![1]! * rng.uniform(0, dy)]
          : [x, y],
      ),
    );
    return { corners };
  }
  inverseMatrices(params: PerspectiveParams, [n, h, w]: BatchShape): Mat3[] {
    checkCount('corners', params.corners, n);
    const start = RandomPerspective.start(h, w);
    return params.corners.map((c) =>
      homography(
        [0, 1, 2, 3].map((k) => [c[2 * k]!, c[2 * k + 1]!] as [number, number]),
        start,
      ),
    );
  }
  getOptions(): Record<string, Json> {
    return { distortion: this.distortion, ...this.warpOptions() };
  }
}

/**
 * Random perspective distortion.
 *
 * @example const t = perspective({ distortion: 0.3, p: 0.5 });
 */
export const perspective = (args: PerspectiveArgs = {}) => new RandomPerspective(args);

// Registered next to their definitions: the config, deserialize and spec parser read these.
registerTransform('perspective', perspective, { positional: ['distortion', 'p'] });
