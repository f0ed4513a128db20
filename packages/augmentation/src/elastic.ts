import { checkNumber, checkOneOf, checkSeed, type Rng } from '@overfit/core';
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
 * Both displacement components of every image, `[N, 2, H, W]`: per image i.i.d. U(-1, 1)
 * noise from that image's own seed (so an image's field does not depend on the batch it is
 * in), smoothed along W and H by the reflect-padded gaussian as two plain matrix products.
 * Images not drawn get a zero field without a random op.
 */
function smoothFields(
  h: number,
  w: number,
  kernel: number[],
  seeds: readonly number[],
  drawn: readonly boolean[],
): tf.Tensor4D {
  const n = seeds.length;
  return tf.tidy(() => {
    const mh = tf.tensor2d(convolutionMatrix(kernel, h), [h, h]);
    const mw = tf.tensor2d(convolutionMatrix(kernel, w), [w, w]);
    const noise = tf.stack(
      seeds.map((seed, i) =>
        drawn[i] ? tf.randomUniform([2, h, w], -1, 1, 'float32', seed >>> 0) : tf.zeros([2, h, w]),
      ),
    ); // [N, 2, H, W]
    // Along W: out[., j] = sum_k M[j, k] in[., k].
    const rows = tf.matMul(tf.reshape(noise, [n * 2 * h, w]), mw, false, true);
    // Along H, on the [H, N·2·W] layout.
    const columns = tf.reshape(tf.transpose(tf.reshape(rows, [n * 2, h, w]), [1, 0, 2]), [
      h,
      n * 2 * w,
    ]);
    const both = tf.matMul(mh, columns);
    return tf.reshape(tf.transpose(tf.reshape(both, [h, n * 2, w]), [1, 0, 2]), [
      n,
      2,
      h,
      w,
    ]) as tf.Tensor4D;
  });
}

/** Which images are deformed, and each image's seed for its displacement field. */
export interface ElasticParams {
  apply: boolean[];
  seeds: number[];
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
 * `(x + dx, y + dy)`. Each image's field comes from its own seed, so a draw replays per
 * image whatever batch it is in. One random op per deformed image, one separable
 * convolution (two matrix products) and one gather for the batch.
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
    this.fillValue = checkNumber('fillValue', args.fillValue ?? 0, { min: 0, max: 1 });
  }
  sampleParams(shape: readonly number[], rng: Rng): ElasticParams {
    const [n] = checkBatchShape(shape);
    const apply = drawMask(n, this.p, rng);
    return { apply, seeds: apply.map((on) => (on ? rng.nextSeed() : 0)) };
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
    checkCount('seeds', params.seeds, n);
    params.seeds.forEach((seed, i) => {
      checkSeed(`params.seeds[${i}]`, seed);
    });
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
      const [fx, fy] = tf.unstack(smoothFields(h, w, kernel, params.seeds, params.apply), 1);
      const dx = tf.mul(fx!, scale);
      const dy = tf.mul(fy!, scale);
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
