import { checkInteger, checkNumber, InvalidArgumentError } from '@overfit/core';
import type * as tf from '@tensorflow/tfjs-core';
import { checkP } from './augmentation.js';
import { checkOptions } from './geometric-base.js';
import { claheImages } from './ops/histogram.js';
import { MaskedOp } from './tone.js';
import { registerTransform } from './transform-registry.js';

/** Options of {@link clahe}. */
export interface ClaheArgs {
  /**
   * Histogram clip limit relative to a uniform histogram (OpenCV's `clipLimit`: a tile's
   * bins are clipped at `max(1, floor(clipLimit · tilePixels / 256))` pixels); 0 = no limit.
   * Default 2.
   */
  clipLimit?: number;
  /** Tiles `[rows, columns]`; H and W must be multiples. Default `[4, 4]`. */
  grid?: readonly [number, number];
  /** Default 0.5. */
  p?: number;
}

/**
 * CLAHE (contrast-limited adaptive histogram equalization, medical-imaging style) per image
 * and channel: OpenCV's `cv2.createCLAHE(clipLimit, tileGridSize=(columns, rows)).apply` on
 * the image's 8-bit levels `floor(x · 255.999)`, output `level / 255` (equal to OpenCV's
 * uint8 output, tested against it); see {@link claheImages}. `apply` checks that the grid
 * divides H and W (OpenCV pads instead).
 *
 * @example const t = clahe({ clipLimit: 2, grid: [4, 4], p: 1 });
 */
export function clahe(args: ClaheArgs = {}): MaskedOp {
  const opts = checkOptions('clahe', args, ['clipLimit', 'grid', 'p']);
  const clipLimit = checkNumber('clipLimit', opts.clipLimit ?? 2, { min: 0 });
  const g = opts.grid ?? [4, 4];
  if (!Array.isArray(g) || g.length !== 2)
    throw new InvalidArgumentError('grid', g, 'a [rows, columns] pair of positive integers');
  const grid: [number, number] = [checkInteger('grid[0]', g[0]), checkInteger('grid[1]', g[1])];
  const op = (x: tf.Tensor4D) => {
    if (x.shape[1] % grid[0] !== 0 || x.shape[2] % grid[1] !== 0) {
      throw new InvalidArgumentError(
        'grid',
        grid,
        `tile counts dividing the image size [${x.shape[1]}, ${x.shape[2]}]`,
      );
    }
    return claheImages(x, grid, clipLimit);
  };
  return new MaskedOp('clahe', checkP(opts.p ?? 0.5), op, { clipLimit, grid });
}

// Registered next to their definitions: the config, deserialize and spec parser read these.
registerTransform('clahe', clahe, { positional: ['clipLimit', 'p'] });
