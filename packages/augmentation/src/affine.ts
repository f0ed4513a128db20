import { checkNumber, InvalidArgumentError, type Rng } from '@overfit/core';
import {
  type BatchShape,
  checkBatchShape,
  checkCount,
  drawMask,
  type Json,
} from './augmentation.js';
import { checkOptions, GeometricAugmentation, WARP_KEYS, type WarpArgs } from './geometric-base.js';
import {
  about,
  chain,
  invert,
  type Mat3,
  rotation,
  scaling,
  shearing,
  translation,
} from './ops/matrix.js';
import { POLICY_OP_SPECS } from './policy-ops.js';
import { aroundOne, type Range, type RangeArg, symmetric, toRange } from './ranges.js';
import { uniformIn } from './sampling.js';
import { registerTransform } from './transform-registry.js';

/** Options of {@link affine} (and of rotate / translate / scale / shear, which are special cases). */
export interface AffineArgs extends WarpArgs {
  /**
   * Rotation in degrees, counter-clockwise on screen (as torchvision's `F.rotate`;
   * torchvision's `F.affine` / `RandomAffine` turn clockwise: our `a` is their `-a`);
   * `d` means `[-d, d]`, the same distribution in both conventions. Default 0.
   */
  degrees?: RangeArg;
  /** Translation as a fraction of width and height; `t` means `[-t, t]` on both axes, `[tx, ty]` per axis. Default 0. */
  translate?: number | readonly [number, number];
  /** Zoom factor; `s` means `[1 - s, 1 + s]`. Default `[1, 1]`. */
  scale?: RangeArg;
  /**
   * Shear in degrees along x (and y when given as `[[xmin, xmax], [ymin, ymax]]`); `d` means
   * x in `[-d, d]`. The x-shear `x' = x + tan(sx)·y` is applied first, then the y-shear
   * `y' = y + tan(sy)·x'` (determinant 1: areas kept, never mirrored). torchvision shears by
   * `x - tan·y`: our `(sx, sy)` is `F.affine(shear=[-sx, -sy])`. Default 0.
   */
  shear?: RangeArg | readonly [RangeArg, RangeArg];
}

/** Per-image parameters of an affine draw (degrees, pixels, factor, degrees). */
export interface AffineParams {
  angle: number[];
  tx: number[];
  ty: number[];
  scale: number[];
  shearX: number[];
  shearY: number[];
}

const AFFINE_KEYS = ['degrees', 'translate', 'scale', 'shear', ...WARP_KEYS];

/**
 * Random affine transform about the image centre (torchvision `RandomAffine`): per image
 * an angle, a translation, a zoom factor and shears, composed as the forward map
 * `T(c + t) · R(angle) · S(scale) · ShearY · ShearX · T(-c)` (torchvision's order) and
 * inverted for resampling. Equal to torchvision 0.14's
 * `F.affine(img, angle=-angle, translate=[tx, ty], scale, shear=[-shearX, -shearY])`
 * with `fill=None` (tested; see the README's parity section for `fill`).
 */
export class RandomAffine extends GeometricAugmentation<AffineParams> {
  readonly degrees: Range;
  readonly translate: [number, number];
  readonly scale: Range;
  readonly shearX: Range;
  readonly shearY: Range;

  constructor(
    args: AffineArgs = {},
    readonly name = 'affine',
    private readonly shown: readonly string[] = ['degrees', 'translate', 'scale', 'shear'],
  ) {
    super(checkOptions(name, args, AFFINE_KEYS), {
      p: 1,
      interpolation: 'bilinear',
      fillMode: 'constant',
      fillValue: 0,
    });
    this.degrees = toRange('degrees', args.degrees ?? 0, symmetric, { min: -360, max: 360 });
    const t = args.translate ?? 0;
    if (typeof t === 'number')
      this.translate = [checkNumber('translate', t, { min: 0, max: 1 }), t];
    else if (Array.isArray(t) && t.length === 2)
      this.translate = [
        checkNumber('translate[0]', t[0], { min: 0, max: 1 }),
        checkNumber('translate[1]', t[1], { min: 0, max: 1 }),
      ];
    else
      throw new InvalidArgumentError(
        'translate',
        t,
        'a fraction in [0, 1] or a [x, y] pair of fractions',
      );
    this.scale = toRange('scale', args.scale ?? 0, aroundOne, { min: 1e-3 });
    const shear = args.shear ?? 0;
    const perAxis = Array.isArray(shear) && shear.some((s) => Array.isArray(s));
    this.shearX = toRange(
      'shear',
      perAxis ? (shear as [RangeArg, RangeArg])[0] : shear,
      symmetric,
      { min: -89, max: 89 },
    );
    this.shearY = perAxis
      ? toRange('shear[1]', (shear as [RangeArg, RangeArg])[1], symmetric, { min: -89, max: 89 })
      : [0, 0];
  }

  sampleParams(shape: readonly number[], rng: Rng): AffineParams {
    const [n, h, w] = checkBatchShape(shape);
    const params: AffineParams = { angle: [], tx: [], ty: [], scale: [], shearX: [], shearY: [] };
    for (const on of drawMask(n, this.p, rng)) {
      params.angle.push(on ? uniformIn(rng, this.degrees) : 0);
      params.tx.push(on ? uniformIn(rng, symmetric(this.translate[0] * w)) : 0);
      params.ty.push(on ? uniformIn(rng, symmetric(this.translate[1] * h)) : 0);
      params.scale.push(on ? uniformIn(rng, this.scale) : 1);
      params.shearX.push(on ? uniformIn(rng, this.shearX) : 0);
      params.shearY.push(on ? uniformIn(rng, this.shearY) : 0);
    }
    return params;
  }

  inverseMatrices(params: AffineParams, [n, h, w]: BatchShape): Mat3[] {
    for (const key of ['angle', 'tx', 'ty', 'scale', 'shearX', 'shearY'] as const)
      checkCount(key, params[key], n);
    const cx = (w - 1) / 2;
    const cy = (h - 1) / 2;
    return params.angle.map((angle, i) => {
      const s = params.scale[i]!;
      const forward = chain(
        translation(params.tx[i]!, params.ty[i]!),
        about(
          chain(rotation(angle), scaling(s, s), shearing(params.shearX[i]!, params.shearY[i]!)),
          cx,
          cy,
        ),
      );
      return invert(forward);
    });
  }

  getOptions(): Record<string, Json> {
    const all: Record<string, Json> = {
      degrees: this.degrees,
      translate: this.translate,
      scale: this.scale,
      shear: [this.shearX, this.shearY],
    };
    const out: Record<string, Json> = {};
    for (const key of this.shown) out[key] = all[key]!;
    return { ...out, ...this.warpOptions() };
  }
}

/**
 * Random affine transform (rotation, translation, zoom, shear in one resampling).
 *
 * @example const t = affine({ degrees: 10, translate: 0.1, scale: [0.9, 1.1], shear: 5 });
 */
export const affine = (args: AffineArgs = {}) => new RandomAffine(args);

type Only<K extends keyof AffineArgs> = Pick<
  AffineArgs,
  K | 'p' | 'interpolation' | 'fillMode' | 'fillValue'
>;
const only = (name: string, key: string, args: object) => {
  checkOptions(name, args, [key, ...WARP_KEYS]);
  if ((args as Record<string, unknown>)[key] === undefined)
    throw new InvalidArgumentError(`${name}.${key}`, undefined, 'given');
};

/**
 * Random rotation by an angle in `degrees` (`d` means `[-d, d]`), about the centre.
 *
 * @example const t = rotate({ degrees: 15 }); // the course's ±15°
 */
export function rotate(args: Only<'degrees'>): RandomAffine {
  only('rotate', 'degrees', args);
  return new RandomAffine(args, 'rotate', ['degrees']);
}
/**
 * Random translation by a fraction of the size (`t` means up to `t·W` and `t·H` pixels).
 *
 * @example const t = translate({ translate: 0.1 });
 */
export function translate(args: Only<'translate'>): RandomAffine {
  only('translate', 'translate', args);
  return new RandomAffine(args, 'translate', ['translate']);
}
/**
 * Random zoom by a factor (`s` means `[1 - s, 1 + s]`; > 1 zooms in).
 *
 * @example const t = scale({ scale: [0.9, 1.1] });
 */
export function scale(args: Only<'scale'>): RandomAffine {
  only('scale', 'scale', args);
  return new RandomAffine(args, 'scale', ['scale']);
}
/**
 * Random shear in degrees (`d` means x-shear in `[-d, d]`).
 *
 * @example const t = shear({ shear: 10 });
 */
export function shear(args: Only<'shear'>): RandomAffine {
  only('shear', 'shear', args);
  return new RandomAffine(args, 'shear', ['shear']);
}

// Registered next to their definitions: the config, deserialize and spec parser read these.
registerTransform('affine', affine, { positional: ['degrees', 'translate', 'scale', 'shear'] });
registerTransform('rotate', rotate, {
  positional: ['degrees', 'p'],
  randAugment: [POLICY_OP_SPECS.rotate],
});
registerTransform('translate', translate, {
  positional: ['translate', 'p'],
  randAugment: [POLICY_OP_SPECS.translateX, POLICY_OP_SPECS.translateY],
});
registerTransform('scale', scale, { positional: ['scale', 'p'], aliases: ['zoom'] });
registerTransform('shear', shear, {
  positional: ['shear', 'p'],
  randAugment: [POLICY_OP_SPECS.shearX, POLICY_OP_SPECS.shearY],
});
