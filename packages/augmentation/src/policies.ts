import {
  checkInteger,
  checkOneOf,
  InvalidArgumentError,
  OverfitError,
  type Rng,
  ShapeError,
} from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
// The built-in policy ops are declared by these transforms' registrations: load them first.
import './affine.js';
import './color-adjust.js';
import './tone.js';
import { Augmentation, checkBatchShape, checkImages, type Json } from './augmentation.js';
import { checkOptions } from './geometric-base.js';
import { takeImages } from './ops/gather.js';
import { INTERPOLATIONS, type Interpolation } from './ops/warp.js';
import { IDENTITY_OP, type MagnitudeContext, type PolicyOpSpec } from './policy-ops.js';
import { randInt } from './sampling.js';
import { registeredTransforms, registerTransform } from './transform-registry.js';

/** One policy op applied to one image: its name and signed magnitude. */
export interface PolicyOp {
  /** A name of {@link policyOps} (`'rotate'`, `'shearX'`, ...). */
  op: string;
  magnitude: number;
}

/** Per image, the ops it gets, in order. */
export interface PolicyParams {
  ops: PolicyOp[][];
}

/**
 * The RandAugment / TrivialAugment op space, read from the registry: identity plus every op
 * that a registered transform declares in its `randAugment` meta (the built-ins: torchvision's
 * 13, in its order, by `rank`; unranked ops after them in registration order). A transform
 * registered with a policy op later joins the policies from then on.
 *
 * @throws OverfitError when two registrations declare the same op name
 */
export function policyOps(): PolicyOpSpec[] {
  const declared = registeredTransforms().flatMap((t) => t.meta.randAugment ?? []);
  const rank = (o: PolicyOpSpec) => o.rank ?? Number.POSITIVE_INFINITY;
  const ops = [IDENTITY_OP, ...declared].sort((a, b) => rank(a) - rank(b));
  const seen = new Set<string>();
  for (const o of ops) {
    if (seen.has(o.op)) throw new OverfitError(`policy op '${o.op}' is registered twice`);
    seen.add(o.op);
  }
  return ops;
}

/** The names of {@link policyOps}, in order. */
export const policyOpNames = (): string[] => policyOps().map((o) => o.op);

/** Draws one op and its (signed) magnitude. */
function drawOp(
  ops: readonly PolicyOpSpec[],
  at: Omit<MagnitudeContext, 'bin'>,
  bin: number,
  rng: Rng,
  pick: number,
): PolicyOp {
  const spec = ops[pick]!;
  const magnitude = spec.magnitude({ ...at, bin });
  return { op: spec.op, magnitude: spec.signed && rng.uniform() < 0.5 ? -magnitude : magnitude };
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
  apply(images: tf.Tensor, params: PolicyParams): tf.Tensor {
    const [n] = checkImages(images);
    if (!Array.isArray(params.ops) || params.ops.length !== n)
      throw new ShapeError(`params.ops was drawn for another batch size than ${n}`);
    const slots = Math.max(0, ...params.ops.map((o) => o.length));
    const ops = policyOps();
    const known = new Set(ops.map((o) => o.op));
    for (const o of params.ops.flat()) {
      if (!known.has(o.op))
        throw new InvalidArgumentError(
          'params.ops[].op',
          o.op,
          `a policy op (${[...known].join(', ')})`,
        );
    }
    return tf.tidy(() => {
      let x = images as tf.Tensor4D;
      for (let s = 0; s < slots; s++) {
        // Each op runs once per slot on the images that drew it; results are put back in place.
        const order: number[] = [];
        const parts: tf.Tensor[] = [];
        for (const spec of ops) {
          const index = params.ops.flatMap((o, i) => (o[s]?.op === spec.op ? [i] : []));
          if (!index.length) continue;
          order.push(...index);
          const sub = takeImages(x, index) as tf.Tensor4D;
          const magnitudes = index.map((i) => params.ops[i]![s]!.magnitude);
          parts.push(spec.apply(sub, magnitudes, this.interpolation));
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
 * drawn uniformly from {@link policyOps}, all at bin `magnitude` of `numMagnitudeBins`,
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
    const [n, height, width] = checkBatchShape(shape);
    const space = policyOps();
    const at = { bins: this.numMagnitudeBins, height, width, wide: false };
    const ops = Array.from({ length: n }, () =>
      Array.from({ length: this.numOps }, () =>
        drawOp(space, at, this.magnitude, rng, randInt(rng, space.length)),
      ),
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
    const [n, height, width] = checkBatchShape(shape);
    const space = policyOps();
    const at = { bins: this.numMagnitudeBins, height, width, wide: true };
    const ops = Array.from({ length: n }, () => {
      const pick = randInt(rng, space.length);
      const bin = randInt(rng, this.numMagnitudeBins);
      return [drawOp(space, at, bin, rng, pick)];
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
