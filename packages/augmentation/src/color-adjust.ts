import { InvalidArgumentError, type Rng, ShapeError } from '@overfit/core';
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
} from './ops/adjust.js';
import { clip01, perImage, selectImages } from './ops/color.js';
import { POLICY_OP_SPECS } from './policy-ops.js';
import { aroundOne, type Range, type RangeArg, symmetric, toRange } from './ranges.js';
import { uniformIn } from './sampling.js';
import { registerTransform } from './transform-registry.js';

const warnedGrey = new Set<string>();

/**
 * Hue and saturation are defined on RGB. On 1 channel they leave images as they are (as
 * torchvision does), which a grey pipeline (MNIST) should know about: said once per
 * transform name and process. Other channel counts are refused, as torchvision refuses them.
 */
export function checkColorChannels(name: string, channels: number): void {
  if (channels === 3) return;
  if (channels === 1) {
    if (!warnedGrey.has(name)) {
      warnedGrey.add(name);
      console.warn(
        `@overfit/augmentation: ${name} leaves 1-channel (grey) images unchanged (as torchvision does); remove it from grey pipelines`,
      );
    }
    return;
  }
  throw new ShapeError(
    `${name} needs RGB images (3 channels; 1-channel images pass unchanged), got ${channels} channels`,
  );
}

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
    /** Hue / saturation: RGB only (see {@link checkColorChannels}). */
    private readonly colorOnly = false,
  ) {
    super();
  }
  sampleParams(shape: readonly number[], rng: Rng): FactorParams {
    const [n, , , c] = checkBatchShape(shape);
    if (this.colorOnly) checkColorChannels(this.name, c);
    return {
      factor: drawMask(n, this.p, rng).map((on) =>
        on ? uniformIn(rng, this.range) : this.neutral,
      ),
    };
  }
  apply(images: tf.Tensor, params: FactorParams): tf.Tensor {
    const [n, , , c] = checkImages(images);
    checkCount('factor', params.factor, n);
    if (this.colorOnly) checkColorChannels(this.name, c);
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
  colorOnly = false,
): PerImageAdjust {
  const opts = checkOptions(name, args, ['factor', 'p']);
  if (opts.factor === undefined)
    throw new InvalidArgumentError(`${name}.factor`, undefined, 'given');
  const range = toRange('factor', opts.factor, expand, bounds);
  return new PerImageAdjust(
    name,
    range,
    checkP(opts.p ?? defaultP),
    neutral,
    kernel,
    { factor: range },
    colorOnly,
  );
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
 * Saturation: `clip(f · x + (1 - f) · gray(x))`. RGB only: 1-channel images pass unchanged
 * (as in torchvision; a one-time `console.warn` says so), other channel counts throw a
 * `ShapeError` (torchvision raises too).
 *
 * @example const t = saturation({ factor: 0.3 });
 */
export const saturation = (args: FactorArgs) =>
  factorTransform('saturation', args, aroundOne, { min: 0 }, 1, adjustSaturation, 1, true);
/**
 * Hue: rotates the hue by `f ~ U[-h, h]` turns (`h <= 0.5`) through HSV. RGB only, as
 * {@link saturation}: 1 channel passes unchanged with a one-time warning, other counts throw.
 *
 * @example const t = hue({ factor: 0.05 });
 */
export const hue = (args: FactorArgs) =>
  factorTransform('hue', args, symmetric, { min: -0.5, max: 0.5 }, 0, adjustHue, 1, true);
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
 * Saturation and hue need RGB: on 1 channel they pass (one-time warning), other channel
 * counts throw when either is on.
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
  /** Saturation or hue is on: the colour part needs RGB (see {@link checkColorChannels}). */
  private checkChannels(channels: number): void {
    const { saturation, hue } = this.ranges;
    if (saturation[0] !== 1 || saturation[1] !== 1 || hue[0] !== 0 || hue[1] !== 0)
      checkColorChannels('colorJitter (saturation, hue)', channels);
  }
  sampleParams(shape: readonly number[], rng: Rng): ColorJitterParams {
    const [n, , , c] = checkBatchShape(shape);
    this.checkChannels(c);
    const out: ColorJitterParams = { brightness: [], contrast: [], saturation: [], hue: [] };
    for (const on of drawMask(n, this.p, rng)) {
      for (const key of ['brightness', 'contrast', 'saturation', 'hue'] as const) {
        out[key].push(on ? uniformIn(rng, this.ranges[key]) : key === 'hue' ? 0 : 1);
      }
    }
    return out;
  }
  apply(images: tf.Tensor, params: ColorJitterParams): tf.Tensor {
    const [n, , , c] = checkImages(images);
    for (const key of ['brightness', 'contrast', 'saturation', 'hue'] as const)
      checkCount(key, params[key], n);
    if (params.saturation.some((f) => f !== 1) || params.hue.some((f) => f !== 0))
      checkColorChannels('colorJitter (saturation, hue)', c);
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

// Registered next to their definitions: the config, deserialize and spec parser read these.
registerTransform('brightness', brightness, {
  positional: ['factor', 'p'],
  randAugment: [POLICY_OP_SPECS.brightness],
});
registerTransform('contrast', contrast, {
  positional: ['factor', 'p'],
  randAugment: [POLICY_OP_SPECS.contrast],
});
registerTransform('saturation', saturation, {
  positional: ['factor', 'p'],
  randAugment: [POLICY_OP_SPECS.color],
});
registerTransform('hue', hue, { positional: ['factor', 'p'] });
registerTransform('gamma', gamma, { positional: ['factor', 'p'] });
registerTransform('sharpness', sharpness, {
  positional: ['factor', 'p'],
  randAugment: [POLICY_OP_SPECS.sharpness],
});
registerTransform('intensityShift', intensityShift, {
  positional: ['factor', 'p'],
  aliases: ['shift'],
});
registerTransform('colorJitter', colorJitter, {
  positional: ['brightness', 'contrast', 'saturation', 'hue'],
  aliases: ['jitter'],
});
