import { checkInteger, InvalidArgumentError, type Rng } from '@overfit/core';
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
import { gaussianKernel1d, separableConvPerImage } from './ops/blur.js';
import { clip01, perImage, selectImages } from './ops/color.js';
import { exactly, type Range, type RangeArg, toRange } from './ranges.js';
import { uniformIn } from './sampling.js';
import { registerTransform } from './transform-registry.js';

/** Per-image noise scale and the seed of the noise field. */
export interface NoiseParams {
  std: number[];
  seed: number;
}

/**
 * Additive gaussian noise `clip(x + std · N(0, 1))`, `std ~ U[range]` per image (a number
 * `s` means exactly `s`); p default 1.
 */
export class RandomGaussianNoise extends Augmentation<NoiseParams> {
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
export const gaussianNoise = (args: { std: RangeArg; p?: number }) => new RandomGaussianNoise(args);

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

// Registered next to their definitions: the config, deserialize and spec parser read these.
registerTransform('gaussianNoise', gaussianNoise, { positional: ['std', 'p'], aliases: ['noise'] });
registerTransform('gaussianBlur', gaussianBlur, {
  positional: ['kernelSize', 'sigma', 'p'],
  aliases: ['blur'],
});
