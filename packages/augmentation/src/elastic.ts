import { checkNumber, checkOneOf, type Rng } from '@overfit/core';
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
import { convolutionMatrix, gaussianKernel1d } from './ops/blur.js';
import { perImage } from './ops/color.js';
import {
  FILL_MODES,
  type FillMode,
  INTERPOLATIONS,
  type Interpolation,
  sampleAt,
} from './ops/warp.js';
import { registerTransform } from './transform-registry.js';

/**
 * One displacement component for every image, `[N, H, W]`: i.i.d. U(-1, 1) noise smoothed
 * along H and W by the reflect-padded gaussian. Noise is i.i.d., so it is drawn directly in
 * the `[H, N·W]` layout where both passes are plain 2-D matrix products.
 */
function smoothField(n: number, h: number, w: number, kernel: number[], seed: number): tf.Tensor3D {
  return tf.tidy(() => {
    const mh = tf.tensor2d(convolutionMatrix(kernel, h), [h, h]);
    const mw = tf.tensor2d(convolutionMatrix(kernel, w), [w, w]);
    const noise = tf.randomUniform([h, n * w], -1, 1, 'float32', seed >>> 0);
    const rows = tf.reshape(tf.matMul(mh, noise), [h * n, w]);
    const both = tf.matMul(rows, mw, false, true); // [H·N, W]: out[., i] = sum_j M[i, j] in[., j]
    return tf.transpose(tf.reshape(both, [h, n, w]), [1, 0, 2]) as tf.Tensor3D;
  });
}

/** Which images are deformed, and the seed of the batch's displacement fields. */
export interface ElasticParams {
  apply: boolean[];
  seed: number;
}

/** Options of {@link elastic}. */
export interface ElasticArgs {
  /** Displacement strength (torchvision's `alpha`); default 50. */
  alpha?: number;
  /** Smoothness: std of the gaussian applied to the field, in pixels; default 5. */
  sigma?: number;
  p?: number;
  interpolation?: Interpolation;
  fillMode?: FillMode;
  fillValue?: number;
}

/**
 * Elastic deformation (Simard et al. 2003; torchvision `ElasticTransform`): per image a
 * field of U(-1, 1) displacements, smoothed by a gaussian of std `sigma` (kernel
 * `int(8σ + 1)` made odd, capped by the image size; reflect padding) and scaled to
 * `alpha / 2` pixels (torchvision's scale for square images); then bilinear resampling at
 * `(x + dx, y + dy)`. The whole batch is one random op, one separable convolution and one
 * gather.
 */
export class ElasticTransform extends Augmentation<ElasticParams> {
  readonly name = 'elastic';
  readonly alpha: number;
  readonly sigma: number;
  readonly p: number;
  readonly interpolation: Interpolation;
  readonly fillMode: FillMode;
  readonly fillValue: number;
  constructor(args: ElasticArgs = {}) {
    super();
    checkOptions('elastic', args, [
      'alpha',
      'sigma',
      'p',
      'interpolation',
      'fillMode',
      'fillValue',
    ]);
    this.alpha = checkNumber('alpha', args.alpha ?? 50, { min: 0 });
    this.sigma = checkNumber('sigma', args.sigma ?? 5, { min: 0, minInclusive: false });
    this.p = checkP(args.p ?? 1);
    this.interpolation = checkOneOf(
      'interpolation',
      args.interpolation ?? 'bilinear',
      INTERPOLATIONS,
    );
    this.fillMode = checkOneOf('fillMode', args.fillMode ?? 'constant', FILL_MODES);
    this.fillValue = checkNumber('fillValue', args.fillValue ?? 0);
  }
  sampleParams(shape: readonly number[], rng: Rng): ElasticParams {
    const [n] = checkBatchShape(shape);
    return { apply: drawMask(n, this.p, rng), seed: rng.nextSeed() };
  }
  /** Kernel length: torchvision's `int(8σ + 1)` made odd, at most `2·min(H, W) - 1`. */
  kernelSize(h: number, w: number): number {
    let k = Math.floor(8 * this.sigma + 1);
    if (k % 2 === 0) k += 1;
    return Math.min(k, 2 * Math.min(h, w) - 1);
  }
  apply(images: tf.Tensor, params: ElasticParams): tf.Tensor {
    const [n, h, w] = checkImages(images);
    checkCount('apply', params.apply, n);
    if (!params.apply.some(Boolean) || this.alpha === 0) return tf.clone(images);
    const kernel = gaussianKernel1d(this.kernelSize(h, w), this.sigma);
    return tf.tidy(() => {
      const scale = tf.reshape(perImage(params.apply.map((a) => (a ? this.alpha / 2 : 0))), [
        n,
        1,
        1,
      ]);
      const grid = (len: number, shape: number[]) =>
        tf.reshape(tf.range(0, len, 1, 'float32'), shape);
      const dx = tf.mul(smoothField(n, h, w, kernel, params.seed), scale);
      const dy = tf.mul(smoothField(n, h, w, kernel, params.seed + 1), scale);
      const xs = tf.add(grid(w, [1, 1, w]), dx);
      const ys = tf.add(grid(h, [1, h, 1]), dy);
      return sampleAt(images as tf.Tensor4D, xs, ys, {
        interpolation: this.interpolation,
        fillMode: this.fillMode,
        fillValue: this.fillValue,
      });
    });
  }
  getOptions(): Record<string, Json> {
    return {
      alpha: this.alpha,
      sigma: this.sigma,
      p: this.p,
      interpolation: this.interpolation,
      fillMode: this.fillMode,
      fillValue: this.fillValue,
    };
  }
}

/**
 * Elastic deformation.
 *
 * @example const t = elastic({ alpha: 34, sigma: 4 }); // Simard-style on MNIST
 */
export const elastic = (args: ElasticArgs = {}) => new ElasticTransform(args);

// Registered next to their definitions: the config, deserialize and spec parser read these.
registerTransform('elastic', elastic, { positional: ['alpha', 'sigma', 'p'] });
