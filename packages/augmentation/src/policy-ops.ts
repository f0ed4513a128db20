import * as tf from '@tensorflow/tfjs-core';
import {
  adjustBrightness,
  adjustContrast,
  adjustSaturation,
  adjustSharpness,
  autocontrastImages,
} from './ops/adjust.js';
import { perImage } from './ops/color.js';
import { equalizeImages } from './ops/histogram.js';
import { about, invert, type Mat3, rotation, shearing, translation } from './ops/matrix.js';
import { type Interpolation, warpProjective } from './ops/warp.js';
import { roundHalfEven } from './sampling.js';

/** Where a magnitude is drawn: torchvision's standard (RandAugment) or wide (TrivialAugment) space. */
export interface MagnitudeContext {
  /** Bin index in `[0, bins)`. */
  readonly bin: number;
  readonly bins: number;
  /** Image height and width (translations scale with them). */
  readonly height: number;
  readonly width: number;
  /** TrivialAugment Wide's ranges. */
  readonly wide: boolean;
}

/**
 * One op of the RandAugment / TrivialAugment space, as a transform registers it (its
 * registration's `randAugment` meta): the policies read every registered op, so a transform
 * registered with one joins them.
 */
export interface PolicyOpSpec {
  /** The op's name in policy params (`shearX`, `rotate`, ...). */
  readonly op: string;
  /** Position in the op list (torchvision's order for the built-ins); unranked ops go last, in registration order. */
  readonly rank?: number;
  /** Magnitudes get a random sign. */
  readonly signed: boolean;
  /** The magnitude at a bin (torchvision's `_augmentation_space`). */
  magnitude(at: MagnitudeContext): number;
  /** Applies the op to a batch, one magnitude per image. */
  apply(x: tf.Tensor4D, magnitudes: number[], interpolation: Interpolation): tf.Tensor;
}

const lin = (at: MagnitudeContext, hi: number, lo = 0) =>
  at.bins === 1 ? lo : lo + ((hi - lo) * at.bin) / (at.bins - 1);

function warp(x: tf.Tensor4D, mats: Mat3[], interpolation: Interpolation): tf.Tensor {
  return warpProjective(x, mats.map(invert), { interpolation, fillMode: 'constant', fillValue: 0 });
}

const factor = (m: number[]) => perImage(m.map((v) => 1 + v));

/** `atan(m)` in degrees: torchvision shears by the angle whose tangent is the magnitude. */
const shearDegrees = (v: number) => (Math.atan(v) * 180) / Math.PI;

/** The ops torchvision's RandAugment draws besides identity, in its order (rank 1..13). */
export const POLICY_OP_SPECS = {
  // torchvision shears about the image's top-left corner (its `center=[0, 0]`), which is
  // (-0.5, -0.5) in pixel-index coordinates, by the angle atan(m); our sign convention
  // (x + tan·y) makes our m its -m (magnitudes are drawn with a random sign).
  shearX: {
    op: 'shearX',
    rank: 1,
    signed: true,
    magnitude: (at) => lin(at, at.wide ? 0.99 : 0.3),
    apply: (x, m, i) =>
      warp(
        x,
        m.map((v) => about(shearing(shearDegrees(v), 0), -0.5, -0.5)),
        i,
      ),
  },
  shearY: {
    op: 'shearY',
    rank: 2,
    signed: true,
    magnitude: (at) => lin(at, at.wide ? 0.99 : 0.3),
    apply: (x, m, i) =>
      warp(
        x,
        m.map((v) => about(shearing(0, shearDegrees(v)), -0.5, -0.5)),
        i,
      ),
  },
  translateX: {
    op: 'translateX',
    rank: 3,
    signed: true,
    magnitude: (at) => lin(at, at.wide ? 32 : (150 / 331) * at.width),
    apply: (x, m, i) =>
      warp(
        x,
        m.map((v) => translation(Math.trunc(v), 0)),
        i,
      ),
  },
  translateY: {
    op: 'translateY',
    rank: 4,
    signed: true,
    magnitude: (at) => lin(at, at.wide ? 32 : (150 / 331) * at.height),
    apply: (x, m, i) =>
      warp(
        x,
        m.map((v) => translation(0, Math.trunc(v))),
        i,
      ),
  },
  rotate: {
    op: 'rotate',
    rank: 5,
    signed: true,
    magnitude: (at) => lin(at, at.wide ? 135 : 30),
    apply: (x, m, i) => {
      const [, h, w] = x.shape;
      return warp(
        x,
        m.map((v) => about(rotation(v), (w - 1) / 2, (h - 1) / 2)),
        i,
      );
    },
  },
  brightness: {
    op: 'brightness',
    rank: 6,
    signed: true,
    magnitude: (at) => lin(at, at.wide ? 0.99 : 0.9),
    apply: (x, m) => adjustBrightness(x, factor(m)),
  },
  color: {
    op: 'color',
    rank: 7,
    signed: true,
    magnitude: (at) => lin(at, at.wide ? 0.99 : 0.9),
    apply: (x, m) => adjustSaturation(x, factor(m)),
  },
  contrast: {
    op: 'contrast',
    rank: 8,
    signed: true,
    magnitude: (at) => lin(at, at.wide ? 0.99 : 0.9),
    apply: (x, m) => adjustContrast(x, factor(m)),
  },
  sharpness: {
    op: 'sharpness',
    rank: 9,
    signed: true,
    magnitude: (at) => lin(at, at.wide ? 0.99 : 0.9),
    apply: (x, m) => adjustSharpness(x, factor(m)),
  },
  posterize: {
    op: 'posterize',
    rank: 10,
    signed: false,
    // torch.round: half-way bins round to even (9 bins: bin 1 keeps 8 bits, not 7).
    magnitude: (at) => 8 - roundHalfEven(at.bin / ((at.bins - 1) / (at.wide ? 6 : 4))),
    apply: (x, m) => {
      const levels = perImage(m.map((bits) => 2 ** bits));
      return tf.div(tf.minimum(tf.floor(tf.mul(x, levels)), tf.sub(levels, 1)), levels);
    },
  },
  solarize: {
    op: 'solarize',
    rank: 11,
    signed: false,
    magnitude: (at) => lin(at, 0, 1),
    apply: (x, m) => {
      const t = tf.broadcastTo(perImage(m), x.shape);
      return tf.where(tf.greaterEqual(x, t), tf.sub(1, x), x);
    },
  },
  autocontrast: {
    op: 'autocontrast',
    rank: 12,
    signed: false,
    magnitude: () => 0,
    apply: (x) => autocontrastImages(x),
  },
  equalize: {
    op: 'equalize',
    rank: 13,
    signed: false,
    magnitude: () => 0,
    apply: (x) => equalizeImages(x),
  },
} satisfies Record<string, PolicyOpSpec>;

/** Identity (rank 0): part of every policy's space, not a transform. */
export const IDENTITY_OP: PolicyOpSpec = {
  op: 'identity',
  rank: 0,
  signed: false,
  magnitude: () => 0,
  apply: (x) => x,
};
