import { checkNumber, type Rng, ShapeError } from '@overfit/core';
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
import { boxMask } from './ops/boxes.js';
import { perImage } from './ops/color.js';
import { blendMask, takeImages } from './ops/gather.js';
import { randInt, sampleBeta } from './sampling.js';
import { registerTransform } from './transform-registry.js';

/** Partner of each image and its own weight `lambda` (1 = unmixed). */
export interface MixParams {
  partner: number[];
  lambda: number[];
}

/** CutMix: the pasted box of each image (from its partner) and the area-adjusted `lambda`. */
export interface CutMixParams extends MixParams {
  top: number[];
  left: number[];
  height: number[];
  width: number[];
}

function checkLabels(name: string, labels: tf.Tensor, n: number): void {
  if (labels.rank !== 2 || labels.shape[0] !== n || labels.dtype !== 'float32') {
    throw new ShapeError(
      `${name} needs one-hot or soft float32 labels [N, K] with N = ${n}, got ${labels.dtype} [${labels.shape.join(', ')}]`,
    );
  }
}

/** `lambda_i · y_i + (1 - lambda_i) · y_partner(i)` for labels or images. */
function mixWith(x: tf.Tensor, params: MixParams): tf.Tensor {
  return tf.tidy(() => {
    const shape = [x.shape[0]!, ...x.shape.slice(1).map(() => 1)];
    const lambda = tf.reshape(perImage(params.lambda), shape);
    const partner = takeImages(x, params.partner);
    return tf.add(tf.mul(lambda, x), tf.mul(tf.sub(1, lambda), partner));
  });
}

abstract class MixingAugmentation<P extends MixParams> extends Augmentation<P> {
  readonly alpha: number;
  readonly p: number;
  constructor(name: string, args: { alpha?: number; p?: number }) {
    super();
    checkOptions(name, args, ['alpha', 'p']);
    this.alpha = checkNumber('alpha', args.alpha ?? 1, { min: 0, minInclusive: false });
    this.p = checkP(args.p ?? 1);
  }
  protected drawPairs(n: number, rng: Rng): { partner: number[]; lambda: number[]; on: boolean[] } {
    const partner = Array.from(rng.permutation(n));
    const on = drawMask(n, this.p, rng);
    const lambda = on.map((o) => (o ? sampleBeta(rng, this.alpha, this.alpha) : 1));
    return { partner, lambda, on };
  }
  override applyToLabels(labels: tf.Tensor, params: P): tf.Tensor {
    checkCount('lambda', params.lambda, params.partner.length);
    checkLabels(this.name, labels, params.partner.length);
    return mixWith(labels, params);
  }
  getOptions(): Record<string, Json> {
    return { alpha: this.alpha, p: this.p };
  }
}

/**
 * MixUp (Zhang et al. 2018): `x = λ x_i + (1 - λ) x_j`, `y = λ y_i + (1 - λ) y_j`, with
 * `j` a random permutation of the batch and `λ ~ Beta(alpha, alpha)` drawn per image
 * (torchvision draws one per batch). Labels must be one-hot or soft `[N, K]`; mixed rows
 * still sum to 1.
 */
export class MixUp extends MixingAugmentation<MixParams> {
  readonly name = 'mixup';
  constructor(args: { alpha?: number; p?: number } = {}) {
    super('mixup', args);
  }
  sampleParams(shape: readonly number[], rng: Rng): MixParams {
    const { partner, lambda } = this.drawPairs(checkBatchShape(shape)[0], rng);
    return { partner, lambda };
  }
  apply(images: tf.Tensor, params: MixParams): tf.Tensor {
    const [n] = checkImages(images);
    checkCount('partner', params.partner, n);
    checkCount('lambda', params.lambda, n);
    return mixWith(images, params);
  }
}

/**
 * MixUp.
 *
 * @example
 * const t = mixup({ alpha: 0.2 });
 * const params = t.sampleParams(x.shape, rng);
 * const [xm, ym] = [t.apply(x, params), t.applyToLabels(yOneHot, params)];
 */
export const mixup = (args: { alpha?: number; p?: number } = {}) => new MixUp(args);

/**
 * CutMix (Yun et al. 2019), torchvision's box rule: `λ ~ Beta(alpha, alpha)`, a box of
 * half-sides `floor(0.5·sqrt(1-λ)·W)`, `floor(0.5·sqrt(1-λ)·H)` around a uniform centre,
 * clipped to the image, is pasted from the partner; labels mix with the pasted area:
 * `λ' = 1 - box area / (H·W)`.
 */
export class CutMix extends MixingAugmentation<CutMixParams> {
  readonly name = 'cutmix';
  constructor(args: { alpha?: number; p?: number } = {}) {
    super('cutmix', args);
  }
  sampleParams(shape: readonly number[], rng: Rng): CutMixParams {
    const [n, h, w] = checkBatchShape(shape);
    const { partner, lambda, on } = this.drawPairs(n, rng);
    const out: CutMixParams = { partner, lambda: [], top: [], left: [], height: [], width: [] };
    lambda.forEach((lam, i) => {
      if (!on[i]) {
        out.lambda.push(1);
        out.top.push(0);
        out.left.push(0);
        out.height.push(0);
        out.width.push(0);
        return;
      }
      const cx = randInt(rng, w);
      const cy = randInt(rng, h);
      const r = 0.5 * Math.sqrt(1 - lam);
      const rw = Math.floor(r * w);
      const rh = Math.floor(r * h);
      const x1 = Math.max(cx - rw, 0);
      const y1 = Math.max(cy - rh, 0);
      const x2 = Math.min(cx + rw, w);
      const y2 = Math.min(cy + rh, h);
      out.top.push(y1);
      out.left.push(x1);
      out.height.push(y2 - y1);
      out.width.push(x2 - x1);
      out.lambda.push(1 - ((x2 - x1) * (y2 - y1)) / (w * h));
    });
    return out;
  }
  apply(images: tf.Tensor, params: CutMixParams): tf.Tensor {
    const [n, h, w] = checkImages(images);
    for (const key of ['partner', 'lambda', 'top', 'left', 'height', 'width'] as const)
      checkCount(key, params[key], n);
    return tf.tidy(() => {
      const one = (v: number[]) => v.map((x) => [x]);
      const mask = boxMask(
        {
          top: one(params.top),
          left: one(params.left),
          height: one(params.height),
          width: one(params.width),
        },
        h,
        w,
      );
      const partner = takeImages(images, params.partner);
      return blendMask(mask, partner, images);
    });
  }
}

/**
 * CutMix.
 *
 * @example const t = cutmix({ alpha: 1 });
 */
export const cutmix = (args: { alpha?: number; p?: number } = {}) => new CutMix(args);

// Registered next to their definitions: the config, deserialize and spec parser read these.
registerTransform('mixup', mixup, { positional: ['alpha', 'p'] });
registerTransform('cutmix', cutmix, { positional: ['alpha', 'p'] });
