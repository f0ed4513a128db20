import { checkInteger, checkNumber, type Rng } from '@overfit/core';
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
  autocontrastImages,
  invertImages,
  posterizeImages,
  solarizeImages,
  toGrayscale,
} from './ops/adjust.js';
import { selectImages } from './ops/color.js';
import { equalizeImages } from './ops/histogram.js';
import { POLICY_OP_SPECS } from './policy-ops.js';
import { registerTransform } from './transform-registry.js';

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
 * Posterize to `bits` bits (0 to 8, as torchvision): `floor(x · 2^bits) / 2^bits` (torchvision
 * v2 on floats; 0 bits gives black), p default 0.5.
 *
 * @example const t = posterize({ bits: 4 });
 */
export function posterize(args: { bits?: number; p?: number } = {}): MaskedOp {
  const bits = checkInteger('bits', args?.bits ?? 4, { min: 0, max: 8 });
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

// Registered next to their definitions: the config, deserialize and spec parser read these.
registerTransform('grayscale', grayscale, { positional: ['p'] });
registerTransform('invert', invert, { positional: ['p'] });
registerTransform('solarize', solarize, {
  positional: ['threshold', 'p'],
  randAugment: [POLICY_OP_SPECS.solarize],
});
registerTransform('posterize', posterize, {
  positional: ['bits', 'p'],
  randAugment: [POLICY_OP_SPECS.posterize],
});
registerTransform('autocontrast', autocontrast, {
  positional: ['p'],
  randAugment: [POLICY_OP_SPECS.autocontrast],
});
registerTransform('equalize', equalize, {
  positional: ['p'],
  randAugment: [POLICY_OP_SPECS.equalize],
});
