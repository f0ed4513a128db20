import { checkInteger, InvalidArgumentError, type Rng } from '@overfit/core';
import type * as tf from '@tensorflow/tfjs-core';
import {
  type BatchShape,
  checkBatchShape,
  checkCount,
  checkImages,
  type Json,
} from './augmentation.js';
import { checkOptions, GeometricAugmentation, type WarpArgs } from './geometric-base.js';
import { type Mat3, translation } from './ops/matrix.js';
import { resizeBoxes } from './ops/resize.js';
import { exactly, type Range, toRange } from './ranges.js';
import { randInt, roundHalfEven, uniformIn } from './sampling.js';
import { registerTransform } from './transform-registry.js';

function checkSize(argument: string, size: unknown): [number, number] {
  if (typeof size === 'number') return [checkInteger(argument, size), size];
  if (Array.isArray(size) && size.length === 2)
    return [checkInteger(`${argument}[0]`, size[0]), checkInteger(`${argument}[1]`, size[1])];
  throw new InvalidArgumentError(argument, size, 'a positive integer or a [height, width] pair');
}

/** Top-left corner of each image's crop box, in input pixels (may be negative when padding). */
export interface CropParams {
  top: number[];
  left: number[];
}

/** Options of {@link randomCrop}. */
export interface RandomCropArgs extends Pick<WarpArgs, 'fillMode' | 'fillValue'> {
  /** Output size `[height, width]` (or one number for a square). */
  size: number | readonly [number, number];
  /** Pixels of padding around the image before cropping (torchvision's `padding`); default 0. */
  padding?: number;
}

/**
 * Random crop of `size` at an integer offset, after `padding` (filled per `fillMode`).
 * Pixel-exact: a translation by whole pixels.
 */
export class RandomCrop extends GeometricAugmentation<CropParams> {
  readonly name = 'randomCrop';
  readonly size: [number, number];
  readonly padding: number;
  constructor(args: RandomCropArgs) {
    super(checkOptions('randomCrop', args, ['size', 'padding', 'fillMode', 'fillValue']), {
      p: 1,
      interpolation: 'nearest',
      fillMode: 'constant',
      fillValue: 0,
    });
    this.size = checkSize('size', args?.size);
    this.padding = checkInteger('padding', args.padding ?? 0, { min: 0 });
  }
  override outputShape([n, , , c]: BatchShape): BatchShape {
    return [n, this.size[0], this.size[1], c];
  }
  sampleParams(shape: readonly number[], rng: Rng): CropParams {
    const [n, h, w] = checkBatchShape(shape);
    const pad = this.padding;
    const [ch, cw] = this.size;
    if (ch > h + 2 * pad || cw > w + 2 * pad) {
      throw new InvalidArgumentError(
        'size',
        this.size,
        `at most the padded image size [${h + 2 * pad}, ${w + 2 * pad}]`,
      );
    }
    const top: number[] = [];
    const left: number[] = [];
    for (let i = 0; i < n; i++) {
      top.push(randInt(rng, h + 2 * pad - ch + 1) - pad);
      left.push(randInt(rng, w + 2 * pad - cw + 1) - pad);
    }
    return { top, left };
  }
  inverseMatrices(params: CropParams, [n]: BatchShape): Mat3[] {
    checkCount('top', params.top, n);
    checkCount('left', params.left, n);
    return params.top.map((t, i) => translation(params.left[i]!, t));
  }
  getOptions(): Record<string, Json> {
    return {
      size: this.size,
      padding: this.padding,
      fillMode: this.fillMode,
      fillValue: this.fillValue,
    };
  }
}

/**
 * Random crop (with optional padding).
 *
 * @example const t = randomCrop({ size: 28, padding: 2 }); // MNIST shift by up to 2 px
 */
export const randomCrop = (args: RandomCropArgs) => new RandomCrop(args);

/**
 * torchvision's centre-crop offset along one axis of length `length` for a crop of `crop`:
 * `round((length - crop) / 2)` (half to even) when the crop fits; when it is larger, the
 * image is first padded by `floor((crop - length) / 2)` before and the rest after, so the
 * offset is minus that padding.
 */
export function centerCropOffset(length: number, crop: number): number {
  return crop > length ? -Math.floor((crop - length) / 2) : roundHalfEven((length - crop) / 2);
}

/**
 * Deterministic centre crop to `size`; pads with `fillValue` where `size` exceeds the image
 * (torchvision `CenterCrop`): offsets `round((H - h) / 2)` with round-half-to-even where the
 * crop fits, and where it is larger `floor((h - H) / 2)` rows of padding above (the odd one
 * below), per axis.
 */
export class CenterCrop extends GeometricAugmentation<Record<string, never>> {
  readonly name = 'centerCrop';
  readonly size: [number, number];
  constructor(args: { size: number | readonly [number, number]; fillValue?: number }) {
    super(checkOptions('centerCrop', args, ['size', 'fillValue']), {
      p: 1,
      interpolation: 'nearest',
      fillMode: 'constant',
      fillValue: 0,
    });
    this.size = checkSize('size', args?.size);
  }
  override outputShape([n, , , c]: BatchShape): BatchShape {
    return [n, this.size[0], this.size[1], c];
  }
  sampleParams(shape: readonly number[], _rng?: Rng): Record<string, never> {
    checkBatchShape(shape);
    return {};
  }
  inverseMatrices(_params: Record<string, never>, [n, h, w]: BatchShape): Mat3[] {
    const m = translation(centerCropOffset(w, this.size[1]), centerCropOffset(h, this.size[0]));
    return Array.from({ length: n }, () => m);
  }
  getOptions(): Record<string, Json> {
    return { size: this.size, fillValue: this.fillValue };
  }
}

/**
 * Centre crop or pad to `size`.
 *
 * @example const t = centerCrop({ size: 24 });
 */
export const centerCrop = (args: {
  size: number | readonly [number, number];
  fillValue?: number;
}) => new CenterCrop(args);

/** Options of {@link randomResizedCrop}. */
export interface RandomResizedCropArgs extends Pick<WarpArgs, 'interpolation'> {
  /** Output `[height, width]` or one number. */
  size: number | readonly [number, number];
  /** Crop area as a fraction of the image; default `[0.08, 1]`. */
  scale?: readonly [number, number];
  /** Crop aspect ratio w/h range (sampled log-uniformly); default `[3/4, 4/3]`. */
  ratio?: readonly [number, number];
}

/** Each image's crop box in input pixels. */
export interface BoxParams {
  top: number[];
  left: number[];
  height: number[];
  width: number[];
}

/**
 * torchvision `RandomResizedCrop`: up to 10 tries for a box of area `scale · H·W` and
 * aspect ratio `ratio` that fits, else a centre crop clamped to `ratio` (sides rounded half
 * to even, as Python's `round`: a 5x5 image with ratio `[2, 2.5]` falls back to 2x5); the box is resized
 * to `size` with half-pixel centres (`x_in = left + (x + 0.5)·w/W - 0.5`, clamped to the
 * box, as torchvision's `resized_crop`). No antialiasing. `'nearest'` picks
 * `floor((x + 0.5)·w/W)`, torch's `'nearest-exact'` (torchvision 0.14's `'nearest'` takes
 * `floor(x·w/W)`).
 */
export class RandomResizedCrop extends GeometricAugmentation<BoxParams> {
  readonly name = 'randomResizedCrop';
  readonly size: [number, number];
  readonly scale: Range;
  readonly ratio: Range;
  constructor(args: RandomResizedCropArgs) {
    super(checkOptions('randomResizedCrop', args, ['size', 'scale', 'ratio', 'interpolation']), {
      p: 1,
      interpolation: 'bilinear',
      fillMode: 'nearest',
      fillValue: 0,
    });
    this.size = checkSize('size', args?.size);
    this.scale = toRange('scale', args.scale ?? [0.08, 1], exactly, { min: 0, max: 1 });
    this.ratio = toRange('ratio', args.ratio ?? [3 / 4, 4 / 3], exactly, { min: 1e-3 });
    if (this.scale[1] <= 0)
      throw new InvalidArgumentError('scale', args.scale, 'a range with max > 0');
  }
  override outputShape([n, , , c]: BatchShape): BatchShape {
    return [n, this.size[0], this.size[1], c];
  }
  sampleParams(shape: readonly number[], rng: Rng): BoxParams {
    const [n, h, w] = checkBatchShape(shape);
    const out: BoxParams = { top: [], left: [], height: [], width: [] };
    const logRatio: Range = [Math.log(this.ratio[0]), Math.log(this.ratio[1])];
    for (let i = 0; i < n; i++) {
      let box: [number, number, number, number] | null = null;
      for (let attempt = 0; attempt < 10 && !box; attempt++) {
        const area = h * w * uniformIn(rng, this.scale);
        const aspect = Math.exp(uniformIn(rng, logRatio));
        // Python's round, as torchvision's int(round(...)).
        const bw = roundHalfEven(Math.sqrt(area * aspect));
        const bh = roundHalfEven(Math.sqrt(area / aspect));
        if (bw > 0 && bw <= w && bh > 0 && bh <= h)
          box = [randInt(rng, h - bh + 1), randInt(rng, w - bw + 1), bh, bw];
      }
      if (!box) {
        const inRatio = w / h;
        const [bh, bw] =
          inRatio < this.ratio[0]
            ? [roundHalfEven(w / this.ratio[0]), w]
            : inRatio > this.ratio[1]
              ? [h, roundHalfEven(h * this.ratio[1])]
              : [h, w];
        box = [Math.floor((h - bh) / 2), Math.floor((w - bw) / 2), bh, bw];
      }
      out.top.push(box[0]);
      out.left.push(box[1]);
      out.height.push(box[2]);
      out.width.push(box[3]);
    }
    return out;
  }
  /**
   * Crops and resizes each box ({@link resizeBoxes}: per-image resize ops on cpu, two
   * batched gathers elsewhere), not by the projective warp: taps are clamped to each box,
   * so an enlarging crop never blends in pixels from outside it (the warp's
   * `x_in = left + (x + 0.5)·w/W - 0.5` reaches half a pixel past the box edge).
   */
  override apply(images: tf.Tensor, params: BoxParams): tf.Tensor {
    const [n, h, w] = checkImages(images);
    for (const key of ['top', 'left', 'height', 'width'] as const) checkCount(key, params[key], n);
    const boxes = params.top.map((top, i) => {
      const box = {
        top,
        left: params.left[i]!,
        height: params.height[i]!,
        width: params.width[i]!,
      };
      const inside =
        [box.top, box.left, box.height, box.width].every(Number.isInteger) &&
        box.top >= 0 &&
        box.left >= 0 &&
        box.height >= 1 &&
        box.width >= 1 &&
        box.top + box.height <= h &&
        box.left + box.width <= w;
      if (!inside)
        throw new InvalidArgumentError(
          `params box ${i}`,
          box,
          `an integer box of positive size inside the ${h}x${w} image`,
        );
      return box;
    });
    return resizeBoxes(images as tf.Tensor4D, boxes, this.size, this.interpolation);
  }
  /** The unclamped projective form of the crop (what `apply` computes away from box edges). */
  inverseMatrices(params: BoxParams, [n]: BatchShape): Mat3[] {
    for (const key of ['top', 'left', 'height', 'width'] as const) checkCount(key, params[key], n);
    const [oh, ow] = this.size;
    return params.top.map((top, i) => {
      const sx = params.width[i]! / ow;
      const sy = params.height[i]! / oh;
      return [sx, 0, params.left[i]! + 0.5 * sx - 0.5, 0, sy, top + 0.5 * sy - 0.5, 0, 0, 1];
    });
  }
  getOptions(): Record<string, Json> {
    return {
      size: this.size,
      scale: this.scale,
      ratio: this.ratio,
      interpolation: this.interpolation,
    };
  }
}

/**
 * Random resized crop.
 *
 * @example const t = randomResizedCrop({ size: 28, scale: [0.6, 1] });
 */
export const randomResizedCrop = (args: RandomResizedCropArgs) => new RandomResizedCrop(args);

// Registered next to their definitions: the config, deserialize and spec parser read these.
registerTransform('randomCrop', randomCrop, { positional: ['size', 'padding'], aliases: ['crop'] });
registerTransform('centerCrop', centerCrop, { positional: ['size'] });
registerTransform('randomResizedCrop', randomResizedCrop, {
  positional: ['size'],
  aliases: ['resizedcrop'],
});
