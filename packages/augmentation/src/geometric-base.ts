import { checkKnownKeys, checkNumber, checkOneOf } from '@overfit/core';
import type * as tf from '@tensorflow/tfjs-core';
import { Augmentation, type BatchShape, checkImages, checkP, type Json } from './augmentation.js';
import type { Mat3 } from './ops/matrix.js';
import {
  FILL_MODES,
  type FillMode,
  INTERPOLATIONS,
  type Interpolation,
  warpProjective,
} from './ops/warp.js';

/** Options every geometric transform takes. */
export interface WarpArgs {
  /** Probability that an image is transformed (others pass through exactly). */
  p?: number;
  /**
   * Default `'bilinear'`. `'nearest'` rounds a coordinate half-way between two pixels to the
   * even one, as torchvision's `grid_sample`.
   */
  interpolation?: Interpolation;
  /**
   * How pixels mapped from outside the image are filled (TensorFlow's modes); default
   * `'constant'`. `'reflect'` is `[dcba|abcd|dcba]` (torchvision's `'symmetric'` padding),
   * `'nearest'` repeats the edge (`'edge'`), `'wrap'` tiles.
   */
  fillMode?: FillMode;
  /**
   * Value of those pixels when `fillMode` is `'constant'`, in [0, 1]; default 0.
   * TensorFlow's rule: each bilinear tap outside the image reads `fillValue`
   * (`out = S + (1 - m)·v`, S the in-image taps, m their weight), which is torchvision's
   * `fill=None` for 0. torchvision's `fill=[v]` (its random transforms always pass one)
   * blends through a mask instead, `m·S + (1 - m)·v`: edge pixels come out darker there.
   */
  fillValue?: number;
}
export const WARP_KEYS = ['p', 'interpolation', 'fillMode', 'fillValue'] as const;

/**
 * A geometric transform: per-image 3x3 matrices (output pixel -> input pixel) drawn on the
 * host, applied to the whole batch by one projective warp.
 */
export abstract class GeometricAugmentation<P> extends Augmentation<P> {
  readonly p: number;
  readonly interpolation: Interpolation;
  readonly fillMode: FillMode;
  readonly fillValue: number;

  constructor(args: WarpArgs, defaults: Required<WarpArgs>) {
    super();
    this.p = checkP(args.p ?? defaults.p);
    this.interpolation = checkOneOf(
      'interpolation',
      args.interpolation ?? defaults.interpolation,
      INTERPOLATIONS,
    );
    this.fillMode = checkOneOf('fillMode', args.fillMode ?? defaults.fillMode, FILL_MODES);
    // Images are in [0, 1]: a fill outside it would leave the range (erasing refuses too).
    this.fillValue = checkNumber('fillValue', args.fillValue ?? defaults.fillValue, {
      min: 0,
      max: 1,
    });
  }

  /** Per-image inverse matrices (output -> input) for a batch of `shape`. */
  abstract inverseMatrices(params: P, shape: BatchShape): Mat3[];

  apply(images: tf.Tensor, params: P): tf.Tensor {
    const shape = checkImages(images);
    const inverse = this.inverseMatrices(params, shape);
    const [, oh, ow] = this.outputShape(shape);
    return warpProjective(images as tf.Tensor4D, inverse, {
      interpolation: this.interpolation,
      fillMode: this.fillMode,
      fillValue: this.fillValue,
      outputSize: [oh, ow],
    });
  }

  protected warpOptions(): Record<string, Json> {
    return {
      p: this.p,
      interpolation: this.interpolation,
      fillMode: this.fillMode,
      fillValue: this.fillValue,
    };
  }
}

/** Validates an options object against the keys a factory knows (typos fail loudly). */
export function checkOptions<T extends object>(
  name: string,
  options: T | undefined,
  keys: readonly string[],
): T {
  checkKnownKeys(`${name} options`, options, keys);
  return (options ?? {}) as T;
}
