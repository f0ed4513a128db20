import { checkInteger, checkNumber, InvalidArgumentError, type Rng } from '@overfit/core';
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
  homography,
  identity,
  invert,
  type Mat3,
  rotation,
  scaling,
  shearing,
  translation,
} from './ops/matrix.js';
import { aroundOne, exactly, type Range, type RangeArg, symmetric, toRange } from './ranges.js';
import { randInt, uniformIn } from './sampling.js';

/** Parameters drawn by {@link flip}: whether each image is mirrored. */
export interface FlipParams {
  flip: boolean[];
}

/**
 * Mirrors images left-right (`'horizontal'`) or top-bottom (`'vertical'`) with probability
 * `p` (default 0.5): `x_in = W - 1 - x_out`.
 */
export class RandomFlip extends GeometricAugmentation<FlipParams> {
  readonly name: string;
  constructor(
    readonly direction: 'horizontal' | 'vertical',
    args: Pick<WarpArgs, 'p'> = {},
  ) {
    super(checkOptions(`${direction}Flip`, args, ['p']), {
      p: 0.5,
      interpolation: 'nearest',
      fillMode: 'nearest',
      fillValue: 0,
    });
    this.name = direction === 'horizontal' ? 'horizontalFlip' : 'verticalFlip';
  }
  sampleParams(shape: readonly number[], rng: Rng): FlipParams {
    return { flip: drawMask(checkBatchShape(shape)[0], this.p, rng) };
  }
  inverseMatrices(params: FlipParams, [n, h, w]: BatchShape): Mat3[] {
    checkCount('flip', params.flip, n);
    const mirror: Mat3 =
      this.direction === 'horizontal'
        ? [-1, 0, w - 1, 0, 1, 0, 0, 0, 1]
        : [1, 0, 0, 0, -1, h - 1, 0, 0, 1];
    return params.flip.map((f) => (f ? mirror : identity()));
  }
  getOptions(): Record<string, Json> {
    return { p: this.p };
  }
}

/**
 * Horizontal flip with probability `p` (default 0.5). Unsafe for digits and letters.
 *
 * @example const t = horizontalFlip({ p: 0.5 });
 */
export const horizontalFlip = (args: { p?: number } = {}) => new RandomFlip('horizontal', args);
/**
 * Vertical flip with probability `p` (default 0.5).
 *
 * @example const t = verticalFlip();
 */
export const verticalFlip = (args: { p?: number } = {}) => new RandomFlip('vertical', args);

/** Options of {@link affine} (and of rotate / translate / scale / shear, which are special cases). */
export interface AffineArgs extends WarpArgs {
  /** Rotation in degrees, counter-clockwise; `d` means `[-d, d]`. Default 0. */
  degrees?: RangeArg;
  /** Translation as a fraction of width and height; `t` means `[-t, t]` on both axes, `[tx, ty]` per axis. Default 0. */
  translate?: number | readonly [number, number];
  /** Zoom factor; `s` means `[1 - s, 1 + s]`. Default `[1, 1]`. */
  scale?: RangeArg;
  /** Shear in degrees along x (and y when given as `[[xmin, xmax], [ymin, ymax]]`); `d` means x in `[-d, d]`. Default 0. */
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
 * `T(c + t) · R(angle) · S(scale) · Shear · T(-c)` and inverted for resampling.
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

/** Options of {@link perspective}. */
export interface PerspectiveArgs extends WarpArgs {
  /** How far corners may move, as a fraction of half the size, in [0, 1]; default 0.5. */
  distortion?: number;
}

/** Per image, where the 4 corners (TL, TR, BR, BL) move to: 8 numbers `[x0, y0, ..., x3, y3]`. */
export interface PerspectiveParams {
  corners: number[][];
}

/**
 * Random perspective (torchvision `RandomPerspective`, default p = 0.5): each corner moves
 * inwards by up to `distortion · size / 2`; the homography from the moved corners back to
 * the original ones resamples the image.
 */
export class RandomPerspective extends GeometricAugmentation<PerspectiveParams> {
  readonly name = 'perspective';
  readonly distortion: number;
  constructor(args: PerspectiveArgs = {}) {
    super(checkOptions('perspective', args, ['distortion', ...WARP_KEYS]), {
      p: 0.5,
      interpolation: 'bilinear',
      fillMode: 'constant',
      fillValue: 0,
    });
    this.distortion = checkNumber('distortion', args.distortion ?? 0.5, { min: 0, max: 1 });
  }
  private static start(h: number, w: number): [number, number][] {
    return [
      [0, 0],
      [w - 1, 0],
      [w - 1, h - 1],
      [0, h - 1],
    ];
  }
  sampleParams(shape: readonly number[], rng: Rng): PerspectiveParams {
    const [n, h, w] = checkBatchShape(shape);
    const dx = (this.distortion * w) / 2;
    const dy = (this.distortion * h) / 2;
    const inward = [
      [1, 1],
      [-1, 1],
      [-1, -1],
      [1, -1],
    ];
    const corners = drawMask(n, this.p, rng).map((on) =>
      RandomPerspective.start(h, w).flatMap(([x, y], k) =>
        on
          ? [x + inward[k]![0]! * rng.uniform(0, dx), y + inward[k]![1]! * rng.uniform(0, dy)]
          : [x, y],
      ),
    );
    return { corners };
  }
  inverseMatrices(params: PerspectiveParams, [n, h, w]: BatchShape): Mat3[] {
    checkCount('corners', params.corners, n);
    const start = RandomPerspective.start(h, w);
    return params.corners.map((c) =>
      homography(
        [0, 1, 2, 3].map((k) => [c[2 * k]!, c[2 * k + 1]!] as [number, number]),
        start,
      ),
    );
  }
  getOptions(): Record<string, Json> {
    return { distortion: this.distortion, ...this.warpOptions() };
  }
}

/**
 * Random perspective distortion.
 *
 * @example const t = perspective({ distortion: 0.3, p: 0.5 });
 */
export const perspective = (args: PerspectiveArgs = {}) => new RandomPerspective(args);

function checkSize(argument: string, size: unknown): [number, number] {
  if (typeof size === 'number') return [checkInteger(argument, size), size];
  if (Array.isArray(size) && size.length === 2)
    return [checkInteger(`${argument}[0]`, size[0]), checkInteger(`${argument}[1]`, size[1])];
  throw new InvalidArgumentError(argument, size, 'a positive integer or a [height, width] pair');
}

/** Top-left corner of each image's crop box, in input pixels (may be negative when padding). */
export interface CropParams {
  top: number[];
  left: number[];
}

/** Options of {@link randomCrop}. */
export interface RandomCropArgs extends Pick<WarpArgs, 'fillMode' | 'fillValue'> {
  /** Output size `[height, width]` (or one number for a square). */
  size: number | readonly [number, number];
  /** Pixels of padding around the image before cropping (torchvision's `padding`); default 0. */
  padding?: number;
}

/**
 * Random crop of `size` at an integer offset, after `padding` (filled per `fillMode`).
 * Pixel-exact: a translation by whole pixels.
 */
export class RandomCrop extends GeometricAugmentation<CropParams> {
  readonly name = 'randomCrop';
  readonly size: [number, number];
  readonly padding: number;
  constructor(args: RandomCropArgs) {
    super(checkOptions('randomCrop', args, ['size', 'padding', 'fillMode', 'fillValue']), {
      p: 1,
      interpolation: 'nearest',
      fillMode: 'constant',
      fillValue: 0,
    });
    this.size = checkSize('size', args?.size);
    this.padding = checkInteger('padding', args.padding ?? 0, { min: 0 });
  }
  override outputShape([n, , , c]: BatchShape): BatchShape {
    return [n, this.size[0], this.size[1], c];
  }
  sampleParams(shape: readonly number[], rng: Rng): CropParams {
    const [n, h, w] = checkBatchShape(shape);
    const pad = this.padding;
    const [ch, cw] = this.size;
    if (ch > h + 2 * pad || cw > w + 2 * pad) {
      throw new InvalidArgumentError(
        'size',
        this.size,
        `at most the padded image size [${h + 2 * pad}, ${w + 2 * pad}]`,
      );
    }
    const top: number[] = [];
    const left: number[] = [];
    for (let i = 0; i < n; i++) {
      top.push(randInt(rng, h + 2 * pad - ch + 1) - pad);
      left.push(randInt(rng, w + 2 * pad - cw + 1) - pad);
    }
    return { top, left };
  }
  inverseMatrices(params: CropParams, [n]: BatchShape): Mat3[] {
    checkCount('top', params.top, n);
    checkCount('left', params.left, n);
    return params.top.map((t, i) => translation(params.left[i]!, t));
  }
  getOptions(): Record<string, Json> {
    return {
      size: this.size,
      padding: this.padding,
      fillMode: this.fillMode,
      fillValue: this.fillValue,
    };
  }
}

/**
 * Random crop (with optional padding).
 *
 * @example const t = randomCrop({ size: 28, padding: 2 }); // MNIST shift by up to 2 px
 */
export const randomCrop = (args: RandomCropArgs) => new RandomCrop(args);

/** Python's round-half-to-even, so centre crops match torchvision's offsets. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Deterministic centre crop to `size`; pads with `fillValue` where `size` exceeds the image
 * (torchvision `CenterCrop`). Offsets `round((H - h) / 2)` with round-half-to-even.
 */
export class CenterCrop extends GeometricAugmentation<Record<string, never>> {
  readonly name = 'centerCrop';
  readonly size: [number, number];
  constructor(args: { size: number | readonly [number, number]; fillValue?: number }) {
    super(checkOptions('centerCrop', args, ['size', 'fillValue']), {
      p: 1,
      interpolation: 'nearest',
      fillMode: 'constant',
      fillValue: 0,
    });
    this.size = checkSize('size', args?.size);
  }
  override outputShape([n, , , c]: BatchShape): BatchShape {
    return [n, this.size[0], this.size[1], c];
  }
  sampleParams(shape: readonly number[], _rng?: Rng): Record<string, never> {
    checkBatchShape(shape);
    return {};
  }
  inverseMatrices(_params: Record<string, never>, [n, h, w]: BatchShape): Mat3[] {
    const m = translation(
      roundHalfEven((w - this.size[1]) / 2),
      roundHalfEven((h - this.size[0]) / 2),
    );
    return Array.from({ length: n }, () => m);
  }
  getOptions(): Record<string, Json> {
    return { size: this.size, fillValue: this.fillValue };
  }
}

/**
 * Centre crop or pad to `size`.
 *
 * @example const t = centerCrop({ size: 24 });
 */
export const centerCrop = (args: {
  size: number | readonly [number, number];
  fillValue?: number;
}) => new CenterCrop(args);

/** Options of {@link randomResizedCrop}. */
export interface RandomResizedCropArgs extends Pick<WarpArgs, 'interpolation'> {
  /** Output `[height, width]` or one number. */
  size: number | readonly [number, number];
  /** Crop area as a fraction of the image; default `[0.08, 1]`. */
  scale?: readonly [number, number];
  /** Crop aspect ratio w/h range (sampled log-uniformly); default `[3/4, 4/3]`. */
  ratio?: readonly [number, number];
}

/** Each image's crop box in input pixels. */
export interface BoxParams {
  top: number[];
  left: number[];
  height: number[];
  width: number[];
}

/**
 * torchvision `RandomResizedCrop`: up to 10 tries for a box of area `scale · H·W` and
 * aspect ratio `ratio` that fits, else a centre crop clamped to `ratio`; the box is resized
 * to `size` with half-pixel centres (`x_in = left + (x + 0.5)·w/W - 0.5`). No antialiasing.
 */
export class RandomResizedCrop extends GeometricAugmentation<BoxParams> {
  readonly name = 'randomResizedCrop';
  readonly size: [number, number];
  readonly scale: Range;
  readonly ratio: Range;
  constructor(args: RandomResizedCropArgs) {
    super(checkOptions('randomResizedCrop', args, ['size', 'scale', 'ratio', 'interpolation']), {
      p: 1,
      interpolation: 'bilinear',
      fillMode: 'nearest',
      fillValue: 0,
    });
    this.size = checkSize('size', args?.size);
    this.scale = toRange('scale', args.scale ?? [0.08, 1], exactly, { min: 0, max: 1 });
    this.ratio = toRange('ratio', args.ratio ?? [3 / 4, 4 / 3], exactly, { min: 1e-3 });
    if (this.scale[1] <= 0)
      throw new InvalidArgumentError('scale', args.scale, 'a range with max > 0');
  }
  override outputShape([n, , , c]: BatchShape): BatchShape {
    return [n, this.size[0], this.size[1], c];
  }
  sampleParams(shape: readonly number[], rng: Rng): BoxParams {
    const [n, h, w] = checkBatchShape(shape);
    const out: BoxParams = { top: [], left: [], height: [], width: [] };
    const logRatio: Range = [Math.log(this.ratio[0]), Math.log(this.ratio[1])];
    for (let i = 0; i < n; i++) {
      let box: [number, number, number, number] | null = null;
      for (let attempt = 0; attempt < 10 && !box; attempt++) {
        const area = h * w * uniformIn(rng, this.scale);
        const aspect = Math.exp(uniformIn(rng, logRatio));
        const bw = Math.round(Math.sqrt(area * aspect));
        const bh = Math.round(Math.sqrt(area / aspect));
        if (bw > 0 && bw <= w && bh > 0 && bh <= h)
          box = [randInt(rng, h - bh + 1), randInt(rng, w - bw + 1), bh, bw];
      }
      if (!box) {
        const inRatio = w / h;
        const [bh, bw] =
          inRatio < this.ratio[0]
            ? [Math.round(w / this.ratio[0]), w]
            : inRatio > this.ratio[1]
              ? [h, Math.round(h * this.ratio[1])]
              : [h, w];
        box = [Math.floor((h - bh) / 2), Math.floor((w - bw) / 2), bh, bw];
      }
      out.top.push(box[0]);
      out.left.push(box[1]);
      out.height.push(box[2]);
      out.width.push(box[3]);
    }
    return out;
  }
  inverseMatrices(params: BoxParams, [n]: BatchShape): Mat3[] {
    for (const key of ['top', 'left', 'height', 'width'] as const) checkCount(key, params[key], n);
    const [oh, ow] = this.size;
    return params.top.map((top, i) => {
      const sx = params.width[i]! / ow;
      const sy = params.height[i]! / oh;
      return [sx, 0, params.left[i]! + 0.5 * sx - 0.5, 0, sy, top + 0.5 * sy - 0.5, 0, 0, 1];
    });
  }
  getOptions(): Record<string, Json> {
    return {
      size: this.size,
      scale: this.scale,
      ratio: this.ratio,
      interpolation: this.interpolation,
    };
  }
}

/**
 * Random resized crop.
 *
 * @example const t = randomResizedCrop({ size: 28, scale: [0.6, 1] });
 */
export const randomResizedCrop = (args: RandomResizedCropArgs) => new RandomResizedCrop(args);
