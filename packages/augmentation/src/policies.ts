import { checkInteger, checkOneOf, type Rng, ShapeError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { Augmentation, checkBatchShape, checkImages, type Json } from './augmentation.js';
import { checkOptions } from './geometric-base.js';
import {
  adjustBrightness,
  adjustContrast,
  adjustSaturation,
  adjustSharpness,
  autocontrastImages,
} from './ops/adjust.js';
import { perImage } from './ops/color.js';
import { takeImages } from './ops/gather.js';
import { equalizeImages } from './ops/histogram.js';
import { about, invert, type Mat3, rotation, shearing, translation } from './ops/matrix.js';
import { INTERPOLATIONS, type Interpolation, warpProjective } from './ops/warp.js';
import { randInt } from './sampling.js';
import { registerTransform } from './transform-registry.js';

/** One policy op applied to one image: its name and signed magnitude. */
export interface PolicyOp {
  op: PolicyOpName;
  magnitude: number;
}

/** Per image, the ops it gets, in order. */
export interface PolicyParams {
  ops: PolicyOp[][];
}

/** torchvision's RandAugment / TrivialAugment op space. */
export const POLICY_OPS = [
  'identity',
  'shearX',
  'shearY',
  'translateX',
  'translateY',
  'rotate',
  'brightness',
  'color',
  'contrast',
  'sharpness',
  'posterize',
  'solarize',
  'autocontrast',
  'equalize',
] as const;
export type PolicyOpName = (typeof POLICY_OPS)[number];

const SIGNED = new Set<PolicyOpName>([
  'shearX',
  'shearY',
  'translateX',
  'translateY',
  'rotate',
  'brightness',
  'color',
  'contrast',
  'sharpness',
]);

/** Magnitude of `op` at bin `b` of `bins` (torchvision's `_augmentation_space`, standard or wide). */
function magnitudeAt(
  op: PolicyOpName,
  b: number,
  bins: number,
  h: number,
  w: number,
  wide: boolean,
): number {
  const lin = (hi: number, lo = 0) => (bins === 1 ? lo : lo + ((hi - lo) * b) / (bins - 1));
  switch (op) {
    case 'shearX':
    case 'shearY':
      return lin(wide ? 0.99 : 0.3);
    case 'translateX':
      return lin(wide ? 32 : (150 / 331) * w);
    case 'translateY':
      return lin(wide ? 32 : (150 / 331) * h);
    case 'rotate':
      return lin(wide ? 135 : 30);
    case 'brightness':
    case 'color':
    case 'contrast':
    case 'sharpness':
      return lin(wide ? 0.99 : 0.9);
    case 'posterize':
      return 8 - Math.round(b / ((bins - 1) / (wide ? 6 : 4)));
    case 'solarize':
      return lin(0, 1);
    default:
      return 0;
  }
}

/** Applies one op with per-image magnitudes to a sub-batch. */
function runOp(
  op: PolicyOpName,
  x: tf.Tensor4D,
  m: number[],
  interpolation: Interpolation,
): tf.Tensor {
  const [, h, w] = x.shape;
  const warp = (mats: Mat3[]) =>
    warpProjective(x, mats.map(invert), { interpolation, fillMode: 'constant', fillValue: 0 });
  const factor = () => perImage(m.map((v) => 1 + v));
  switch (op) {
    case 'shearX':
      // torchvision shears about the image's top-left corner (its `center=[0, 0]`), which is
      // (-0.5, -0.5) in pixel-index coordinates, by the angle atan(m); our sign convention
      // (x + tan·y) makes our m its -m (magnitudes are drawn with a random sign).
      return warp(m.map((v) => about(shearing((Math.atan(v) * 180) / Math.PI, 0), -0.5, -0.5)));
    case 'shearY':
      return warp(m.map((v) => about(shearing(0, (Math.atan(v) * 180) / Math.PI), -0.5, -0.5)));
    case 'translateX':
      return warp(m.map((v) => translation(Math.trunc(v), 0)));
    case 'translateY':
      return warp(m.map((v) => translation(0, Math.trunc(v))));
    case 'rotate':
      return warp(m.map((v) => about(rotation(v), (w - 1) / 2, (h - 1) / 2)));
    case 'brightness':
      return adjustBrightness(x, factor());
    case 'color':
      return adjustSaturation(x, factor());
    case 'contrast':
      return adjustContrast(x, factor());
    case 'sharpness':
      return adjustSharpness(x, factor());
    case 'posterize': {
      const levels = perImage(m.map((bits) => 2 ** bits));
      return tf.div(tf.minimum(tf.floor(tf.mul(x, levels)), tf.sub(levels, 1)), levels);
    }
    case 'solarize': {
      const t = tf.broadcastTo(perImage(m), x.shape);
      return tf.where(tf.greaterEqual(x, t), tf.sub(1, x), x);
    }
    case 'autocontrast':
      return autocontrastImages(x);
    case 'equalize':
      return equalizeImages(x);
    default:
      return tf.clone(x);
  }
}

/** Options shared by the policies. */
export interface PolicyArgs {
  /** Magnitude bins; default 31. */
  numMagnitudeBins?: number;
  /** Default `'nearest'` (torchvision's). */
  interpolation?: Interpolation;
}

abstract class Policy extends Augmentation<PolicyParams> {
  readonly numMagnitudeBins: number;
  readonly interpolation: Interpolation;
  constructor(args: PolicyArgs) {
    super();
    this.numMagnitudeBins = checkInteger('numMagnitudeBins', args.numMagnitudeBins ?? 31, {
      min: 2,
    });
    this.interpolation = checkOneOf(
      'interpolation',
      args.interpolation ?? 'nearest',
      INTERPOLATIONS,
    );
  }
  protected signed(op: PolicyOpName, magnitude: number, rng: Rng): PolicyOp {
    return { op, magnitude: SIGNED.has(op) && rng.uniform() < 0.5 ? -magnitude : magnitude };
  }
  apply(images: tf.Tensor, params: PolicyParams): tf.Tensor {
    const [n] = checkImages(images);
    if (!Array.isArray(params.ops) || params.ops.length !== n)
      throw new ShapeError(`params.ops was drawn for another batch size than ${n}`);
    const slots = Math.max(0, ...params.ops.map((o) => o.length));
    return tf.tidy(() => {
      let x = images as tf.Tensor4D;
      for (let s = 0; s < slots; s++) {
        // Each op runs once per slot on the images that drew it; results are put back in place.
        const order: number[] = [];
        const parts: tf.Tensor[] = [];
        for (const op of POLICY_OPS) {
          const index = params.ops.flatMap((o, i) => (o[s]?.op === op ? [i] : []));
          if (!index.length) continue;
          order.push(...index);
          const sub = takeImages(x, index) as tf.Tensor4D;
          parts.push(
            op === 'identity'
              ? sub
              : runOp(
                  op,
                  sub,
                  index.map((i) => params.ops[i]![s]!.magnitude),
                  this.interpolation,
                ),
          );
        }
        const rest = Array.from({ length: n }, (_, i) => i).filter(
          (i) => params.ops[i]![s] === undefined,
        );
        if (rest.length) {
          order.push(...rest);
          parts.push(takeImages(x, rest));
        }
        const inverse = new Array<number>(n);
        order.forEach((from, k) => {
          inverse[from] = k;
        });
        x = takeImages(tf.concat(parts), inverse) as tf.Tensor4D;
      }
      return x === images ? tf.clone(x) : x;
    });
  }
}

/**
 * RandAugment (Cubuk et al. 2020; torchvision `RandAugment`): each image gets `numOps` ops
 * drawn uniformly from {@link POLICY_OPS}, all at bin `magnitude` of `numMagnitudeBins`,
 * with a random sign for signed ops. Defaults 2, 9, 31.
 */
export class RandAugment extends Policy {
  readonly name = 'randAugment';
  readonly numOps: number;
  readonly magnitude: number;
  constructor(args: PolicyArgs & { numOps?: number; magnitude?: number } = {}) {
    checkOptions('randAugment', args, ['numOps', 'magnitude', 'numMagnitudeBins', 'interpolation']);
    super(args);
    this.numOps = checkInteger('numOps', args.numOps ?? 2, { min: 0 });
    this.magnitude = checkInteger('magnitude', args.magnitude ?? 9, {
      min: 0,
      max: this.numMagnitudeBins - 1,
    });
  }
  sampleParams(shape: readonly number[], rng: Rng): PolicyParams {
    const [n, h, w] = checkBatchShape(shape);
    const ops = Array.from({ length: n }, () =>
      Array.from({ length: this.numOps }, () => {
        const op = POLICY_OPS[randInt(rng, POLICY_OPS.length)]!;
        return this.signed(
          op,
          magnitudeAt(op, this.magnitude, this.numMagnitudeBins, h, w, false),
          rng,
        );
      }),
    );
    return { ops };
  }
  getOptions(): Record<string, Json> {
    return {
      numOps: this.numOps,
      magnitude: this.magnitude,
      numMagnitudeBins: this.numMagnitudeBins,
      interpolation: this.interpolation,
    };
  }
}

/**
 * RandAugment.
 *
 * @example const t = randAugment({ numOps: 2, magnitude: 9 });
 */
export const randAugment = (args: PolicyArgs & { numOps?: number; magnitude?: number } = {}) =>
  new RandAugment(args);

/**
 * TrivialAugment Wide (Müller & Hutter 2021; torchvision `TrivialAugmentWide`): one op per
 * image, uniformly chosen, at a uniformly chosen magnitude bin of the wide ranges.
 */
export class TrivialAugment extends Policy {
  readonly name = 'trivialAugment';
  constructor(args: PolicyArgs = {}) {
    checkOptions('trivialAugment', args, ['numMagnitudeBins', 'interpolation']);
    super(args);
  }
  sampleParams(shape: readonly number[], rng: Rng): PolicyParams {
    const [n, h, w] = checkBatchShape(shape);
    const ops = Array.from({ length: n }, () => {
      const op = POLICY_OPS[randInt(rng, POLICY_OPS.length)]!;
      const bin = randInt(rng, this.numMagnitudeBins);
      return [this.signed(op, magnitudeAt(op, bin, this.numMagnitudeBins, h, w, true), rng)];
    });
    return { ops };
  }
  getOptions(): Record<string, Json> {
    return { numMagnitudeBins: this.numMagnitudeBins, interpolation: this.interpolation };
  }
}

/**
 * TrivialAugment.
 *
 * @example const t = trivialAugment();
 */
export const trivialAugment = (args: PolicyArgs = {}) => new TrivialAugment(args);

// Registered next to their definitions: the config, deserialize and spec parser read these.
registerTransform('randAugment', randAugment, { positional: ['numOps', 'magnitude'] });
registerTransform('trivialAugment', trivialAugment, { positional: [] });
