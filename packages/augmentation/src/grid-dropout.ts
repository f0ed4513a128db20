import { checkNumber, InvalidArgumentError, type Rng } from '@overfit/core';
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
import { fillBoxes } from './ops/boxes.js';
import { exactly, type Range, toRange } from './ranges.js';
import { randInt } from './sampling.js';
import { registerTransform } from './transform-registry.js';

/** Per image: grid period in pixels (0 = untouched) and offsets. */
export interface GridParams {
  unit: number[];
  offsetY: number[];
  offsetX: number[];
}

/** Options of {@link gridDropout}. */
export interface GridDropoutArgs {
  /** Fraction of each grid cell's side that is dropped, in (0, 1); default 0.5. */
  ratio?: number;
  /** Grid period in pixels, `[min, max]` integers; default `[max(2, min(H, W) / 10), min(H, W) / 3]` rounded. */
  unitSize?: readonly [number, number] | null;
  fillValue?: number;
  /** Default 0.5. */
  p?: number;
}

/**
 * GridMask / grid dropout (Chen et al. 2020): drops a square of side `ratio · d` in every
 * `d x d` cell of a grid with random period `d` and random offsets, per image:
 * `drop(y, x) = ((y + oy) mod d < ratio·d) and ((x + ox) mod d < ratio·d)`.
 */
export class GridDropout extends Augmentation<GridParams> {
  readonly name = 'gridDropout';
  readonly ratio: number;
  readonly unitSize: Range | null;
  readonly fillValue: number;
  readonly p: number;
  constructor(args: GridDropoutArgs = {}) {
    super();
    checkOptions('gridDropout', args, ['ratio', 'unitSize', 'fillValue', 'p']);
    this.ratio = checkNumber('ratio', args.ratio ?? 0.5, {
      min: 0,
      max: 1,
      minInclusive: false,
      maxInclusive: false,
    });
    this.unitSize =
      args.unitSize == null ? null : toRange('unitSize', args.unitSize, exactly, { min: 2 });
    if (this.unitSize && !this.unitSize.every(Number.isInteger))
      throw new InvalidArgumentError('unitSize', args.unitSize, 'integers >= 2');
    this.fillValue = checkNumber('fillValue', args.fillValue ?? 0, { min: 0, max: 1 });
    this.p = checkP(args.p ?? 0.5);
  }
  sampleParams(shape: readonly number[], rng: Rng): GridParams {
    const [n, h, w] = checkBatchShape(shape);
    const side = Math.min(h, w);
    const [lo, hi] = this.unitSize ?? [
      Math.max(2, Math.round(side / 10)),
      Math.max(2, Math.round(side / 3)),
    ];
    const out: GridParams = { unit: [], offsetY: [], offsetX: [] };
    for (const on of drawMask(n, this.p, rng)) {
      const d = on ? lo + randInt(rng, hi - lo + 1) : 0;
      out.unit.push(d);
      out.offsetY.push(on ? randInt(rng, d) : 0);
      out.offsetX.push(on ? randInt(rng, d) : 0);
    }
    return out;
  }
  apply(images: tf.Tensor, params: GridParams): tf.Tensor {
    const [n, h, w] = checkImages(images);
    for (const key of ['unit', 'offsetY', 'offsetX'] as const) checkCount(key, params[key], n);
    if (params.unit.every((d) => d === 0)) return tf.clone(images);
    return tf.tidy(() => {
      const col = (v: number[]) => tf.tensor4d(v, [n, 1, 1, 1]);
      const d = col(params.unit.map((u) => Math.max(u, 1)));
      const keep = tf.mul(d, this.ratio);
      const ys = tf.reshape(tf.range(0, h, 1, 'float32'), [1, h, 1, 1]);
      const xs = tf.reshape(tf.range(0, w, 1, 'float32'), [1, 1, w, 1]);
      const inY = tf.less(tf.mod(tf.add(ys, col(params.offsetY)), d), keep);
      const inX = tf.less(tf.mod(tf.add(xs, col(params.offsetX)), d), keep);
      const on = tf.greater(col(params.unit), 0);
      const mask = tf.logicalAnd(tf.logicalAnd(inY, inX), on);
      return fillBoxes(images, tf.cast(mask, 'float32'), this.fillValue, 0);
    });
  }
  getOptions(): Record<string, Json> {
    return { ratio: this.ratio, unitSize: this.unitSize, fillValue: this.fillValue, p: this.p };
  }
}

/**
 * Grid dropout.
 *
 * @example const t = gridDropout({ ratio: 0.4, p: 0.5 });
 */
export const gridDropout = (args: GridDropoutArgs = {}) => new GridDropout(args);

// Registered next to their definitions: the config, deserialize and spec parser read these.
registerTransform('gridDropout', gridDropout, { positional: ['ratio', 'p'] });
