import { InvalidArgumentError, type Rng } from '@overfit/core';
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
import { type Boxes, boxMask, checkFill, type Fill, fillBoxes } from './ops/boxes.js';
import { exactly, type Range, type RangeArg, toRange } from './ranges.js';
import { randInt, roundHalfEven, uniformIn } from './sampling.js';
import { registerTransform } from './transform-registry.js';

/** Where each image is erased (K boxes per image; empty lists: untouched) and the noise seed. */
export interface EraseParams extends Boxes {
  seed: number;
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
 * a box of area `scale · H·W` and aspect `ratio` (sides rounded half to even) smaller than the
 * image; if none fits the image is left as it is. As in torchvision, a try whose box rounds
 * to zero rows or columns fits and ends the search: that image is not erased.
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
      for (let attempt = 0; on && attempt < 10; attempt++) {
        const area = h * w * uniformIn(rng, this.scale);
        const aspect = Math.exp(uniformIn(rng, logRatio));
        const bh = roundHalfEven(Math.sqrt(area * aspect));
        const bw = roundHalfEven(Math.sqrt(area / aspect));
        if (!(bh < h && bw < w)) continue;
        // torchvision accepts a box that rounds to nothing and erases nothing: it ends the tries.
        if (bh > 0 && bw > 0) box = [randInt(rng, h - bh + 1), randInt(rng, w - bw + 1), bh, bw];
        break;
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

// Registered next to their definitions: the config, deserialize and spec parser read these.
registerTransform('randomErasing', randomErasing, { positional: ['p'], aliases: ['erase'] });
registerTransform('coarseDropout', coarseDropout, {
  positional: ['holes', 'p'],
  aliases: ['cutout'],
});
