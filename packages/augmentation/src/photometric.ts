import { checkInteger, checkNumber, InvalidArgumentError, type Rng } from '@overfit/core';
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
import {
  adjustBrightness,
  adjustContrast,
  adjustGamma,
  adjustHue,
  adjustSaturation,
  adjustSharpness,
  autocontrastImages,
  invertImages,
  posterizeImages,
  solarizeImages,
  toGrayscale,
} from './ops/adjust.js';
import { gaussianKernel1d, separableConvPerImage } from './ops/blur.js';
import { clip01, perImage, selectImages } from './ops/color.js';
import { claheImages, equalizeImages } from './ops/histogram.js';
import { aroundOne, exactly, type Range, type RangeArg, symmetric, toRange } from './ranges.js';
import { uniformIn } from './sampling.js';

/** One number per image (the neutral value where an image was not drawn). */
export interface FactorParams {
  factor: number[];
}

type Kernel = (x: tf.Tensor4D, factor: tf.Tensor4D) => tf.Tensor;

/**
 * A photometric adjustment with one random number per image, drawn uniformly in `range`
 * with probability `p` (else `neutral`, which the kernel maps to the identity).
 */
export class PerImageAdjust extends Augmentation<FactorParams> {
  constructor(
    readonly name: string,
    readonly range: Range,
    readonly p: number,
    private readonly neutral: number,
    private readonly kernel: Kernel,
    private readonly options: Record<string, Json>,
  ) {
    super();
  }
  sampleParams(shape: readonly number[], rng: Rng): FactorParams {
    const [n] = checkBatchShape(shape);
    return {
      factor: drawMask(n, this.p, rng).map((on) =>
        on ? uniformIn(rng, this.range) : this.neutral,
      ),
    };
  }
  apply(images: tf.Tensor, params: FactorParams): tf.Tensor {
    const [n] = checkImages(images);
    checkCount('factor', params.factor, n);
    return tf.tidy(() => {
      const out = this.kernel(images as tf.Tensor4D, perImage(params.factor));
      const untouched = params.factor.map((f) => f === this.neutral);
      return untouched.some(Boolean) ? selectImages(untouched, images, out) : out;
    });
  }
  getOptions(): Record<string, Json> {
    return { ...this.options, p: this.p };
  }
}

function factorTransform(
  name: string,
  args: { factor: RangeArg; p?: number } | undefined,
  expand: (v: number) => Range,
  bounds: { min?: number; max?: number },
  neutral: number,
  kernel: Kernel,
  defaultP = 1,
): PerImageAdjust {
  const opts = checkOptions(name, args, ['factor', 'p']);
  if (opts.factor === undefined)
    throw new InvalidArgumentError(`${name}.factor`, undefined, 'given');
  const range = toRange('factor', opts.factor, expand, bounds);
  return new PerImageAdjust(name, range, checkP(opts.p ?? defaultP), neutral, kernel, {
    factor: range,
  });
}

/** Options of the per-image factor transforms. */
export interface FactorArgs {
  /** A number (expanded as each transform documents) or an explicit `[min, max]`. */
  factor: RangeArg;
  /** Probability per image; default 1. */
  p?: number;
}

/**
 * Brightness: `clip(f · x)`, `f ~ U[max(0, 1 - b), 1 + b]` for `factor: b` (torchvision).
 *
 * @example const t = brightness({ factor: 0.2 });
 */
export const brightness = (args: FactorArgs) =>
  factorTransform('brightness', args, aroundOne, { min: 0 }, 1, adjustBrightness);
/**
 * Contrast: `clip(f · x + (1 - f) · mean(gray(x)))` per image, `f` as for brightness.
 *
 * @example const t = contrast({ factor: 0.2 });
 */
export const contrast = (args: FactorArgs) =>
  factorTransform('contrast', args, aroundOne, { min: 0 }, 1, adjustContrast);
/**
 * Saturation: `clip(f · x + (1 - f) · gray(x))` (RGB only; identity on 1 channel).
 *
 * @example const t = saturation({ factor: 0.3 });
 */
export const saturation = (args: FactorArgs) =>
  factorTransform('saturation', args, aroundOne, { min: 0 }, 1, adjustSaturation);
/**
 * Hue: rotates the hue by `f ~ U[-h, h]` turns (`h <= 0.5`) through HSV (RGB only).
 *
 * @example const t = hue({ factor: 0.05 });
 */
export const hue = (args: FactorArgs) =>
  factorTransform('hue', args, symmetric, { min: -0.5, max: 0.5 }, 0, adjustHue);
/**
 * Gamma: `x^g`, `g ~ U[max(0, 1 - v), 1 + v]` (must stay > 0).
 *
 * @example const t = gamma({ factor: [0.8, 1.25] });
 */
export function gamma(args: FactorArgs): PerImageAdjust {
  const t = factorTransform('gamma', args, aroundOne, { min: 0 }, 1, adjustGamma);
  if (t.range[0] <= 0)
    throw new InvalidArgumentError('factor', args.factor, 'a gamma range above 0');
  return t;
}
/**
 * Sharpness (torchvision `adjust_sharpness`): blend with a 3x3-smoothed copy, `f` as for
 * brightness (`f > 1` sharpens); default p = 0.5.
 *
 * @example const t = sharpness({ factor: [1, 2] });
 */
export const sharpness = (args: FactorArgs) =>
  factorTransform('sharpness', args, aroundOne, { min: 0 }, 1, adjustSharpness, 0.5);
/**
 * Intensity shift (medical-style): `clip(x + o)`, `o ~ U[-v, v]` per image.
 *
 * @example const t = intensityShift({ factor: 0.1 });
 */
export const intensityShift = (args: FactorArgs) =>
  factorTransform('intensityShift', args, symmetric, { min: -1, max: 1 }, 0, (x, o) =>
    clip01(tf.add(x, o)),
  );

/** Parameters of {@link colorJitter}: one factor of each kind per image. */
export interface ColorJitterParams {
  brightness: number[];
  contrast: number[];
  saturation: number[];
  hue: number[];
}

/** Options of {@link colorJitter}; each as the single transform of that name. Default 0 (off). */
export interface ColorJitterArgs {
  brightness?: RangeArg;
  contrast?: RangeArg;
  saturation?: RangeArg;
  hue?: RangeArg;
  p?: number;
}

/**
 * torchvision `ColorJitter`: brightness, contrast, saturation and hue with independent
 * per-image factors. Applied in the fixed order brightness, contrast, saturation, hue
 * (torchvision shuffles the order per call; a fixed order keeps the batch one pass).
 */
export class ColorJitter extends Augmentation<ColorJitterParams> {
  readonly name = 'colorJitter';
  readonly ranges: Record<keyof ColorJitterParams, Range>;
  readonly p: number;
  constructor(args: ColorJitterArgs = {}) {
    super();
    checkOptions('colorJitter', args, ['brightness', 'contrast', 'saturation', 'hue', 'p']);
    this.ranges = {
      brightness: toRange('brightness', args.brightness ?? 0, aroundOne, { min: 0 }),
      contrast: toRange('contrast', args.contrast ?? 0, aroundOne, { min: 0 }),
      saturation: toRange('saturation', args.saturation ?? 0, aroundOne, { min: 0 }),
      hue: toRange('hue', args.hue ?? 0, symmetric, { min: -0.5, max: 0.5 }),
    };
    this.p = checkP(args.p ?? 1);
  }
  sampleParams(shape: readonly number[], rng: Rng): ColorJitterParams {
    const [n] = checkBatchShape(shape);
    const out: ColorJitterParams = { brightness: [], contrast: [], saturation: [], hue: [] };
    for (const on of drawMask(n, this.p, rng)) {
      for (const key of ['brightness', 'contrast', 'saturation', 'hue'] as const) {
        out[key].push(on ? uniformIn(rng, this.ranges[key]) : key === 'hue' ? 0 : 1);
      }
    }
    return out;
  }
  apply(images: tf.Tensor, params: ColorJitterParams): tf.Tensor {
    const [n] = checkImages(images);
    for (const key of ['brightness', 'contrast', 'saturation', 'hue'] as const)
      checkCount(key, params[key], n);
    return tf.tidy(() => {
      let x = images as tf.Tensor4D;
      const isNeutral = (v: number[], neutral: number) => v.every((f) => f === neutral);
      if (!isNeutral(params.brightness, 1))
        x = adjustBrightness(x, perImage(params.brightness)) as tf.Tensor4D;
      if (!isNeutral(params.contrast, 1))
        x = adjustContrast(x, perImage(params.contrast)) as tf.Tensor4D;
      if (!isNeutral(params.saturation, 1))
        x = adjustSaturation(x, perImage(params.saturation)) as tf.Tensor4D;
      if (!isNeutral(params.hue, 0)) {
        x = selectImages(
          params.hue.map((v) => v === 0),
          x,
          adjustHue(x, perImage(params.hue)),
        ) as tf.Tensor4D;
      }
      return x === images ? tf.clone(x) : x;
    });
  }
  getOptions(): Record<string, Json> {
    return { ...this.ranges, p: this.p };
  }
}

/**
 * Color jitter.
 *
 * @example const t = colorJitter({ brightness: 0.2, contrast: 0.2 }); // the course's CNN lab
 */
export const colorJitter = (args: ColorJitterArgs = {}) => new ColorJitter(args);

/** Which images a masked op transforms. */
export interface MaskParams {
  apply: boolean[];
}

/** A deterministic op applied to each image with probability `p`. */
export class MaskedOp extends Augmentation<MaskParams> {
  constructor(
    readonly name: string,
    readonly p: number,
    private readonly op: (x: tf.Tensor4D) => tf.Tensor,
    private readonly options: Record<string, Json> = {},
  ) {
    super();
  }
  sampleParams(shape: readonly number[], rng: Rng): MaskParams {
    return { apply: drawMask(checkBatchShape(shape)[0], this.p, rng) };
  }
  apply(images: tf.Tensor, params: MaskParams): tf.Tensor {
    const [n] = checkImages(images);
    checkCount('apply', params.apply, n);
    if (!params.apply.some(Boolean)) return tf.clone(images);
    return tf.tidy(() => {
      const out = this.op(images as tf.Tensor4D);
      return params.apply.every(Boolean) ? out : selectImages(params.apply, out, images);
    });
  }
  getOptions(): Record<string, Json> {
    return { ...this.options, p: this.p };
  }
}

function masked(
  name: string,
  args: object | undefined,
  keys: string[],
  defaultP: number,
  op: (x: tf.Tensor4D) => tf.Tensor,
  options: Record<string, Json> = {},
) {
  const opts = checkOptions(name, args, ['p', ...keys]) as { p?: number };
  return new MaskedOp(name, checkP(opts.p ?? defaultP), op, options);
}

/**
 * Grayscale (luma replicated over the channels) with probability `p` (default 0.1).
 *
 * @example const t = grayscale({ p: 0.2 });
 */
export const grayscale = (args: { p?: number } = {}) =>
  masked('grayscale', args, [], 0.1, toGrayscale);
/**
 * Invert `1 - x` with probability `p` (default 0.5).
 *
 * @example const t = invert();
 */
export const invert = (args: { p?: number } = {}) => masked('invert', args, [], 0.5, invertImages);
/**
 * Solarize: `x >= threshold ? 1 - x : x` with probability `p` (default 0.5).
 *
 * @example const t = solarize({ threshold: 0.5 });
 */
export function solarize(args: { threshold?: number; p?: number } = {}): MaskedOp {
  const threshold = checkNumber('threshold', args?.threshold ?? 0.5, { min: 0, max: 1 });
  return masked('solarize', args, ['threshold'], 0.5, (x) => solarizeImages(x, threshold), {
    threshold,
  });
}
/**
 * Posterize to `bits` bits: `floor(x · 2^bits) / 2^bits` (torchvision v2 on floats), p default 0.5.
 *
 * @example const t = posterize({ bits: 4 });
 */
export function posterize(args: { bits?: number; p?: number } = {}): MaskedOp {
  const bits = checkInteger('bits', args?.bits ?? 4, { min: 1, max: 8 });
  return masked('posterize', args, ['bits'], 0.5, (x) => posterizeImages(x, bits), { bits });
}
/**
 * Autocontrast: stretch each image's channels to [0, 1] by their min and max, p default 0.5.
 *
 * @example const t = autocontrast();
 */
export const autocontrast = (args: { p?: number } = {}) =>
  masked('autocontrast', args, [], 0.5, autocontrastImages);
/**
 * Histogram equalization per image and channel on 256 levels (torchvision `equalize`), p default 0.5.
 *
 * @example const t = equalize({ p: 1 });
 */
export const equalize = (args: { p?: number } = {}) =>
  masked('equalize', args, [], 0.5, equalizeImages);

/** Per-image noise scale and the seed of the noise field. */
export interface NoiseParams {
  std: number[];
  seed: number;
}

/**
 * Additive gaussian noise `clip(x + std · N(0, 1))`, `std ~ U[range]` per image (a number
 * `s` means exactly `s`); p default 1.
 */
export class GaussianNoise extends Augmentation<NoiseParams> {
  readonly name = 'gaussianNoise';
  readonly std: Range;
  readonly p: number;
  constructor(args: { std: RangeArg; p?: number }) {
    super();
    checkOptions('gaussianNoise', args, ['std', 'p']);
    this.std = toRange('std', args?.std, exactly, { min: 0 });
    this.p = checkP(args.p ?? 1);
  }
  sampleParams(shape: readonly number[], rng: Rng): NoiseParams {
    const [n] = checkBatchShape(shape);
    const std = drawMask(n, this.p, rng).map((on) => (on ? uniformIn(rng, this.std) : 0));
    return { std, seed: rng.nextSeed() };
  }
  apply(images: tf.Tensor, params: NoiseParams): tf.Tensor {
    const [n] = checkImages(images);
    checkCount('std', params.std, n);
    return tf.tidy(() => {
      const noise = tf.mul(
        tf.randomNormal(images.shape, 0, 1, 'float32', params.seed),
        perImage(params.std),
      );
      const out = clip01(tf.add(images, noise));
      return selectImages(
        params.std.map((s) => s === 0),
        images,
        out,
      );
    });
  }
  getOptions(): Record<string, Json> {
    return { std: this.std, p: this.p };
  }
}

/**
 * Gaussian noise.
 *
 * @example const t = gaussianNoise({ std: [0, 0.1] });
 */
export const gaussianNoise = (args: { std: RangeArg; p?: number }) => new GaussianNoise(args);

/** Per-image blur sigma (0 = not blurred). */
export interface BlurParams {
  sigma: number[];
}

/**
 * torchvision `GaussianBlur`: separable gaussian of odd `kernelSize` with reflect padding,
 * `sigma ~ U[range]` per image (default `[0.1, 2]`). The whole batch is one depthwise
 * convolution per direction, each image with its own kernel.
 */
export class GaussianBlur extends Augmentation<BlurParams> {
  readonly name = 'gaussianBlur';
  readonly kernelSize: number;
  readonly sigma: Range;
  readonly p: number;
  constructor(args: { kernelSize: number; sigma?: RangeArg; p?: number }) {
    super();
    checkOptions('gaussianBlur', args, ['kernelSize', 'sigma', 'p']);
    this.kernelSize = checkInteger('kernelSize', args?.kernelSize, { min: 1 });
    if (this.kernelSize % 2 === 0)
      throw new InvalidArgumentError('kernelSize', this.kernelSize, 'an odd positive integer');
    this.sigma = toRange('sigma', args.sigma ?? [0.1, 2], exactly, { min: 0 });
    if (this.sigma[0] <= 0) throw new InvalidArgumentError('sigma', args.sigma, 'a range above 0');
    this.p = checkP(args.p ?? 1);
  }
  sampleParams(shape: readonly number[], rng: Rng): BlurParams {
    const [n, h, w] = checkBatchShape(shape);
    if ((this.kernelSize - 1) / 2 >= Math.min(h, w)) {
      throw new InvalidArgumentError(
        'kernelSize',
        this.kernelSize,
        `smaller than 2 * min(H, W) - 1 = ${2 * Math.min(h, w) - 1} (reflect padding)`,
      );
    }
    return { sigma: drawMask(n, this.p, rng).map((on) => (on ? uniformIn(rng, this.sigma) : 0)) };
  }
  apply(images: tf.Tensor, params: BlurParams): tf.Tensor {
    const [n] = checkImages(images);
    checkCount('sigma', params.sigma, n);
    const k = this.kernelSize;
    const delta = Array.from({ length: k }, (_, i) => (i === (k - 1) / 2 ? 1 : 0));
    const kernels = params.sigma.map((s) => (s > 0 ? gaussianKernel1d(k, s) : delta));
    return separableConvPerImage(images as tf.Tensor4D, kernels);
  }
  getOptions(): Record<string, Json> {
    return { kernelSize: this.kernelSize, sigma: this.sigma, p: this.p };
  }
}

/**
 * Gaussian blur.
 *
 * @example const t = gaussianBlur({ kernelSize: 5, sigma: [0.1, 2] });
 */
export const gaussianBlur = (args: { kernelSize: number; sigma?: RangeArg; p?: number }) =>
  new GaussianBlur(args);

/** Options of {@link clahe}. */
export interface ClaheArgs {
  /** Histogram clip limit relative to a uniform histogram (OpenCV's `clipLimit`); 0 = no limit. Default 2. */
  clipLimit?: number;
  /** Tiles `[rows, columns]`; H and W must be multiples. Default `[4, 4]`. */
  grid?: readonly [number, number];
  /** Default 0.5. */
  p?: number;
}

/**
 * CLAHE (contrast-limited adaptive histogram equalization, medical-imaging style) per image
 * and channel; see {@link claheImages}. `sampleParams` checks that the grid divides H and W.
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
