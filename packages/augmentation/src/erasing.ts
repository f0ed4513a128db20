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
import { type Boxes, boxMask } from './ops/boxes.js';
import { blendMask } from './ops/gather.js';
import { exactly, type Range, type RangeArg, toRange } from './ranges.js';
import { randInt, uniformIn } from './sampling.js';

/** Where each image is erased (K boxes per image; empty lists: untouched) and the noise seed. */
export interface EraseParams extends Boxes {
  seed: number;
}

type Fill = number | 'random';

function checkFill(value: unknown): Fill {
  if (value === 'random') return value;
  return checkNumber('fillValue', value, { min: 0, max: 1 });
}

/** Fills the masked pixels with a constant or uniform [0, 1) noise (seeded). */
function fillBoxes(images: tf.Tensor, mask: tf.Tensor, fill: Fill, seed: number): tf.Tensor {
  return tf.tidy(() => {
    const value =
      fill === 'random' ? tf.randomUniform(images.shape, 0, 1, 'float32', seed) : tf.scalar(fill);
    return blendMask(mask, value, images);
  });
}

abstract class BoxAugmentation extends Augmentation<EraseParams> {
  protected constructor(
    readonly p: number,
    readonly fillValue: Fill,
  ) {
    super();
  }
  apply(images: tf.Tensor, params: EraseParams): tf.Tensor {
    const [n, h, w] = checkImages(images);
    for (const key of ['top', 'left', 'height', 'width'] as const) checkCount(key, params[key], n);
    if (params.height.every((hs) => hs.every((v) => v === 0))) return tf.clone(images);
    return tf.tidy(() => fillBoxes(images, boxMask(params, h, w), this.fillValue, params.seed));
  }
}

/** Options of {@link randomErasing}. */
export interface RandomErasingArgs {
  /** Probability per image; default 0.5. */
  p?: number;
  /** Erased area as a fraction of the image; default `[0.02, 0.33]`. */
  scale?: readonly [number, number];
  /** Aspect ratio h/w of the box (log-uniform); default `[0.3, 3.3]`. */
  ratio?: readonly [number, number];
  /** A value in [0, 1] or `'random'` (uniform noise); default 0. */
  fillValue?: Fill;
}

/**
 * torchvision `RandomErasing` (Zhong et al. 2017): with probability `p`, up to 10 tries for
 * a box of area `scale · H·W` and aspect `ratio` strictly inside the image; if none fits the
 * image is left as it is.
 */
export class RandomErasing extends BoxAugmentation {
  readonly name = 'randomErasing';
  readonly scale: Range;
  readonly ratio: Range;
  constructor(args: RandomErasingArgs = {}) {
    checkOptions('randomErasing', args, ['p', 'scale', 'ratio', 'fillValue']);
    super(checkP(args.p ?? 0.5), checkFill(args.fillValue ?? 0));
    this.scale = toRange('scale', args.scale ?? [0.02, 0.33], exactly, { min: 0, max: 1 });
    this.ratio = toRange('ratio', args.ratio ?? [0.3, 3.3], exactly, { min: 1e-3 });
  }
  sampleParams(shape: readonly number[], rng: Rng): EraseParams {
    const [n, h, w] = checkBatchShape(shape);
    const out: EraseParams = { top: [], left: [], height: [], width: [], seed: rng.nextSeed() };
    const logRatio: Range = [Math.log(this.ratio[0]), Math.log(this.ratio[1])];
    for (const on of drawMask(n, this.p, rng)) {
      let box: number[] | null = null;
      for (let attempt = 0; on && attempt < 10 && !box; attempt++) {
        const area = h * w * uniformIn(rng, this.scale);
        const aspect = Math.exp(uniformIn(rng, logRatio));
        const bh = Math.round(Math.sqrt(area * aspect));
        const bw = Math.round(Math.sqrt(area / aspect));
        if (bh < h && bw < w && bh > 0 && bw > 0)
          box = [randInt(rng, h - bh + 1), randInt(rng, w - bw + 1), bh, bw];
      }
      out.top.push(box ? [box[0]!] : []);
      out.left.push(box ? [box[1]!] : []);
      out.height.push(box ? [box[2]!] : []);
      out.width.push(box ? [box[3]!] : []);
    }
    return out;
  }
  getOptions(): Record<string, Json> {
    return { p: this.p, scale: this.scale, ratio: this.ratio, fillValue: this.fillValue };
  }
}

/**
 * Random erasing.
 *
 * @example const t = randomErasing({ p: 0.5 });
 */
export const randomErasing = (args: RandomErasingArgs = {}) => new RandomErasing(args);

/** Options of {@link coarseDropout}. */
export interface CoarseDropoutArgs {
  /** Number of holes per image, `[min, max]` or exactly n; default `[1, 8]`. */
  holes?: RangeArg;
  /** Hole height and width as fractions of H and W; default `[0.05, 0.15]`. */
  size?: readonly [number, number];
  /** Default 0. */
  fillValue?: Fill;
  /** Default 0.5. */
  p?: number;
}

/**
 * Coarse dropout / cutout (DeVries & Taylor 2017; albumentations `CoarseDropout`): a random
 * number of rectangular holes per image, centres anywhere (holes may be cut by the border).
 */
export class CoarseDropout extends BoxAugmentation {
  readonly name = 'coarseDropout';
  readonly holes: Range;
  readonly size: Range;
  constructor(args: CoarseDropoutArgs = {}) {
    checkOptions('coarseDropout', args, ['holes', 'size', 'fillValue', 'p']);
    super(checkP(args.p ?? 0.5), checkFill(args.fillValue ?? 0));
    this.holes = toRange('holes', args.holes ?? [1, 8], exactly, { min: 1 });
    if (!this.holes.every(Number.isInteger))
      throw new InvalidArgumentError('holes', args.holes, 'whole numbers of holes');
    this.size = toRange('size', args.size ?? [0.05, 0.15], exactly, { min: 0, max: 1 });
  }
  sampleParams(shape: readonly number[], rng: Rng): EraseParams {
    const [n, h, w] = checkBatchShape(shape);
    const out: EraseParams = { top: [], left: [], height: [], width: [], seed: rng.nextSeed() };
    for (const on of drawMask(n, this.p, rng)) {
      const count = on ? this.holes[0] + randInt(rng, this.holes[1] - this.holes[0] + 1) : 0;
      const boxes = Array.from({ length: count }, () => {
        const bh = Math.max(1, Math.round(uniformIn(rng, this.size) * h));
        const bw = Math.max(1, Math.round(uniformIn(rng, this.size) * w));
        return [randInt(rng, h) - Math.floor(bh / 2), randInt(rng, w) - Math.floor(bw / 2), bh, bw];
      });
      out.top.push(boxes.map((b) => b[0]!));
      out.left.push(boxes.map((b) => b[1]!));
      out.height.push(boxes.map((b) => b[2]!));
      out.width.push(boxes.map((b) => b[3]!));
    }
    return out;
  }
  getOptions(): Record<string, Json> {
    return { holes: this.holes, size: this.size, fillValue: this.fillValue, p: this.p };
  }
}

/**
 * Coarse dropout (cutout with several holes).
 *
 * @example const t = coarseDropout({ holes: [1, 3], size: [0.1, 0.25], p: 1 });
 */
export const coarseDropout = (args: CoarseDropoutArgs = {}) => new CoarseDropout(args);

/** Per image: grid period in pixels (0 = untouched) and offsets. */
export interface GridParams {
  unit: number[];
  offsetY: number[];
  offsetX: number[];
}

/** Options of {@link gridDropout}. */
export interface GridDropoutArgs {
  /** Fraction of each grid cell's side that is dropped, in (0, 1); default 0.5. */
  ratio?: number;
  /** Grid period in pixels, `[min, max]` integers; default `[max(2, min(H, W) / 10), min(H, W) / 3]` rounded. */
  unitSize?: readonly [number, number] | null;
  fillValue?: number;
  /** Default 0.5. */
  p?: number;
}

/**
 * GridMask / grid dropout (Chen et al. 2020): drops a square of side `ratio · d` in every
 * `d x d` cell of a grid with random period `d` and random offsets, per image:
 * `drop(y, x) = ((y + oy) mod d < ratio·d) and ((x + ox) mod d < ratio·d)`.
 */
export class GridDropout extends Augmentation<GridParams> {
  readonly name = 'gridDropout';
  readonly ratio: number;
  readonly unitSize: Range | null;
  readonly fillValue: number;
  readonly p: number;
  constructor(args: GridDropoutArgs = {}) {
    super();
    checkOptions('gridDropout', args, ['ratio', 'unitSize', 'fillValue', 'p']);
    this.ratio = checkNumber('ratio', args.ratio ?? 0.5, {
      min: 0,
      max: 1,
      minInclusive: false,
      maxInclusive: false,
    });
    this.unitSize =
      args.unitSize == null ? null : toRange('unitSize', args.unitSize, exactly, { min: 2 });
    if (this.unitSize && !this.unitSize.every(Number.isInteger))
      throw new InvalidArgumentError('unitSize', args.unitSize, 'integers >= 2');
    this.fillValue = checkNumber('fillValue', args.fillValue ?? 0, { min: 0, max: 1 });
    this.p = checkP(args.p ?? 0.5);
  }
  sampleParams(shape: readonly number[], rng: Rng): GridParams {
    const [n, h, w] = checkBatchShape(shape);
    const side = Math.min(h, w);
    const [lo, hi] = this.unitSize ?? [
      Math.max(2, Math.round(side / 10)),
      Math.max(2, Math.round(side / 3)),
    ];
    const out: GridParams = { unit: [], offsetY: [], offsetX: [] };
    for (const on of drawMask(n, this.p, rng)) {
      const d = on ? lo + randInt(rng, hi - lo + 1) : 0;
      out.unit.push(d);
      out.offsetY.push(on ? randInt(rng, d) : 0);
      out.offsetX.push(on ? randInt(rng, d) : 0);
    }
    return out;
  }
  apply(images: tf.Tensor, params: GridParams): tf.Tensor {
    const [n, h, w] = checkImages(images);
    for (const key of ['unit', 'offsetY', 'offsetX'] as const) checkCount(key, params[key], n);
    if (params.unit.every((d) => d === 0)) return tf.clone(images);
    return tf.tidy(() => {
      const col = (v: number[]) => tf.tensor4d(v, [n, 1, 1, 1]);
      const d = col(params.unit.map((u) => Math.max(u, 1)));
      const keep = tf.mul(d, this.ratio);
      const ys = tf.reshape(tf.range(0, h, 1, 'float32'), [1, h, 1, 1]);
      const xs = tf.reshape(tf.range(0, w, 1, 'float32'), [1, 1, w, 1]);
      const inY = tf.less(tf.mod(tf.add(ys, col(params.offsetY)), d), keep);
      const inX = tf.less(tf.mod(tf.add(xs, col(params.offsetX)), d), keep);
      const on = tf.greater(col(params.unit), 0);
      const mask = tf.logicalAnd(tf.logicalAnd(inY, inX), on);
      return fillBoxes(images, tf.cast(mask, 'float32'), this.fillValue, 0);
    });
  }
  getOptions(): Record<string, Json> {
    return { ratio: this.ratio, unitSize: this.unitSize, fillValue: this.fillValue, p: this.p };
  }
}

/**
 * Grid dropout.
 *
 * @example const t = gridDropout({ ratio: 0.4, p: 0.5 });
 */
export const gridDropout = (args: GridDropoutArgs = {}) => new GridDropout(args);

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
