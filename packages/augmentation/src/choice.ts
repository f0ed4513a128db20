import {
  checkInteger,
  checkNumber,
  InvalidArgumentError,
  type Rng,
  ShapeError,
  type Transform,
} from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import {
  Augmentation,
  type BatchShape,
  checkBatchShape,
  checkImages,
  checkP,
  drawMask,
  type Json,
} from './augmentation.js';
import { takeImages } from './ops/gather.js';
import { randInt } from './sampling.js';
import {
  type AnyAugmentation,
  asAugmentation,
  chainStep,
  children,
  inversePermutation,
  labelsOf,
  onSubset,
  requireSameShape,
} from './subsets.js';

/** Which images the wrapped transform touches and its draw for them (`null` when none). */
export interface RandomApplyParams {
  apply: boolean[];
  inner: unknown;
}

/** Applies a transform to each image with probability `p` (the rest pass through). */
export class RandomApply extends Augmentation<RandomApplyParams> {
  readonly name = 'randomApply';
  readonly transform: AnyAugmentation;
  readonly p: number;
  constructor(transform: Transform, p = 0.5) {
    super();
    this.transform = asAugmentation(transform);
    this.p = checkP(p);
  }
  sampleParams(shape: readonly number[], rng: Rng): RandomApplyParams {
    const s = checkBatchShape(shape);
    requireSameShape(this.name, this.transform, s);
    const apply = drawMask(s[0], this.p, rng);
    const k = apply.filter(Boolean).length;
    return { apply, inner: k ? this.transform.sampleParams([k, s[1], s[2], s[3]], rng) : null };
  }
  private index(params: RandomApplyParams): number[] {
    return params.apply.flatMap((a, i) => (a ? [i] : []));
  }
  apply(images: tf.Tensor, params: RandomApplyParams): tf.Tensor {
    checkImages(images);
    return onSubset(images, this.index(params), (sub) => this.transform.apply(sub, params.inner));
  }
  override applyToLabels(labels: tf.Tensor, params: RandomApplyParams): tf.Tensor {
    return onSubset(labels, this.index(params), (sub) =>
      labelsOf(this.transform, sub, params.inner),
    );
  }
  getOptions(): Record<string, Json> {
    return { transform: this.transform.getConfig() as unknown as Json, p: this.p };
  }
}

/**
 * Random application.
 *
 * @example const t = randomApply(gaussianBlur({ kernelSize: 3 }), 0.3);
 */
export const randomApply = (transform: Transform, p = 0.5) => new RandomApply(transform, p);

/** Each image's chosen transform and each transform's draw for its images. */
export interface OneOfParams {
  choice: number[];
  inner: unknown[];
}

/**
 * Applies exactly one of the transforms to each image, chosen per image with probabilities
 * proportional to `weights` (default equal). Each transform runs once on its images.
 */
export class OneOf extends Augmentation<OneOfParams> {
  readonly name = 'oneOf';
  readonly transforms: AnyAugmentation[];
  readonly weights: number[];
  constructor(transforms: readonly Transform[], weights?: readonly number[]) {
    super();
    this.transforms = children('transforms', transforms);
    const w = weights ?? this.transforms.map(() => 1);
    if (!Array.isArray(w) || w.length !== this.transforms.length)
      throw new InvalidArgumentError(
        'weights',
        weights,
        `${this.transforms.length} numbers (one per transform)`,
      );
    w.forEach((v, i) => {
      checkNumber(`weights[${i}]`, v, { min: 0 });
    });
    const total = w.reduce((a, b) => a + b, 0);
    if (!(total > 0))
      throw new InvalidArgumentError('weights', weights, 'weights with a positive sum');
    this.weights = w.map((v) => v / total);
  }
  override outputShape(shape: BatchShape): BatchShape {
    return this.transforms[0]!.outputShape(shape);
  }
  sampleParams(shape: readonly number[], rng: Rng): OneOfParams {
    const s = checkBatchShape(shape);
    const first = this.transforms[0]!.outputShape(s);
    for (const t of this.transforms) {
      if (t.outputShape(s).some((d, i) => d !== first[i]))
        throw new ShapeError(
          `oneOf transforms must all give the same output shape; ${t.name} differs`,
        );
    }
    const choice = Array.from({ length: s[0] }, () => {
      let u = rng.uniform();
      for (let k = 0; k < this.weights.length - 1; k++) {
        u -= this.weights[k]!;
        if (u < 0) return k;
      }
      return this.weights.length - 1;
    });
    const inner = this.transforms.map((t, k) => {
      const count = choice.filter((c) => c === k).length;
      return count ? t.sampleParams([count, s[1], s[2], s[3]], rng) : null;
    });
    return { choice, inner };
  }
  private run(
    x: tf.Tensor,
    params: OneOfParams,
    fn: (t: AnyAugmentation, sub: tf.Tensor, p: unknown) => tf.Tensor,
  ): tf.Tensor {
    return tf.tidy(() => {
      const order: number[] = [];
      const outputs: tf.Tensor[] = [];
      this.transforms.forEach((t, k) => {
        const index = params.choice.flatMap((c, i) => (c === k ? [i] : []));
        if (!index.length) return;
        order.push(...index);
        outputs.push(fn(t, takeImages(x, index), params.inner[k]));
      });
      return takeImages(tf.concat(outputs), inversePermutation(order));
    });
  }
  apply(images: tf.Tensor, params: OneOfParams): tf.Tensor {
    const [n] = checkImages(images);
    if (!Array.isArray(params.choice) || params.choice.length !== n)
      throw new ShapeError(`params.choice was drawn for another batch size than ${n}`);
    return this.run(images, params, (t, sub, p) => t.apply(sub, p));
  }
  override applyToLabels(labels: tf.Tensor, params: OneOfParams): tf.Tensor {
    return this.run(labels, params, (t, sub, p) => labelsOf(t, sub, p));
  }
  getOptions(): Record<string, Json> {
    return {
      transforms: this.transforms.map((t) => t.getConfig() as unknown as Json),
      weights: this.weights,
    };
  }
}

/**
 * One transform per image.
 *
 * @example const t = oneOf([gaussianBlur({ kernelSize: 3 }), gaussianNoise({ std: 0.05 })]);
 */
export const oneOf = (transforms: readonly Transform[], weights?: readonly number[]) =>
  new OneOf(transforms, weights);

/** Per image, which transforms run (in list order), and each transform's draw for its images. */
export interface SomeOfParams {
  chosen: number[][];
  inner: unknown[];
}

/**
 * Applies a random subset of `n` transforms (or between `n[0]` and `n[1]`) to each image,
 * in list order. Transforms must keep the image size.
 */
export class SomeOf extends Augmentation<SomeOfParams> {
  readonly name = 'someOf';
  readonly transforms: AnyAugmentation[];
  readonly n: [number, number];
  constructor(transforms: readonly Transform[], n: number | readonly [number, number]) {
    super();
    this.transforms = children('transforms', transforms);
    const [lo, hi] =
      typeof n === 'number'
        ? [n, n]
        : Array.isArray(n) && n.length === 2
          ? n
          : [Number.NaN, Number.NaN];
    checkInteger('n', lo, { min: 0, max: this.transforms.length });
    checkInteger('n', hi, { min: lo, max: this.transforms.length });
    this.n = [lo, hi];
  }
  sampleParams(shape: readonly number[], rng: Rng): SomeOfParams {
    const s = checkBatchShape(shape);
    for (const t of this.transforms) requireSameShape(this.name, t, s);
    const chosen = Array.from({ length: s[0] }, () => {
      const k = this.n[0] + randInt(rng, this.n[1] - this.n[0] + 1);
      return Array.from(rng.permutation(this.transforms.length).slice(0, k)).sort((a, b) => a - b);
    });
    const inner = this.transforms.map((t, k) => {
      const count = chosen.filter((c) => c.includes(k)).length;
      return count ? t.sampleParams([count, s[1], s[2], s[3]], rng) : null;
    });
    return { chosen, inner };
  }
  private run(
    x: tf.Tensor,
    params: SomeOfParams,
    fn: (t: AnyAugmentation, sub: tf.Tensor, p: unknown) => tf.Tensor,
  ): tf.Tensor {
    if (!Array.isArray(params.chosen) || params.chosen.length !== x.shape[0])
      throw new ShapeError(`params.chosen was drawn for another batch size than ${x.shape[0]}`);
    let y = x;
    this.transforms.forEach((t, k) => {
      const index = params.chosen.flatMap((c, i) => (c.includes(k) ? [i] : []));
      if (index.length)
        y = chainStep(y, x, (cur) => onSubset(cur, index, (sub) => fn(t, sub, params.inner[k])));
    });
    return y === x ? tf.clone(x) : y;
  }
  apply(images: tf.Tensor, params: SomeOfParams): tf.Tensor {
    checkImages(images);
    return this.run(images, params, (t, sub, p) => t.apply(sub, p));
  }
  override applyToLabels(labels: tf.Tensor, params: SomeOfParams): tf.Tensor {
    return this.run(labels, params, (t, sub, p) => labelsOf(t, sub, p));
  }
  getOptions(): Record<string, Json> {
    return { transforms: this.transforms.map((t) => t.getConfig() as unknown as Json), n: this.n };
  }
}

/**
 * A random subset per image.
 *
 * @example const t = someOf([rotate({ degrees: 10 }), brightness({ factor: 0.2 }), gaussianNoise({ std: 0.05 })], [1, 2]);
 */
export const someOf = (transforms: readonly Transform[], n: number | readonly [number, number]) =>
  new SomeOf(transforms, n);

/** Per image, the order of the transforms; per step and transform, the draw for its images. */
export interface RandomOrderParams {
  order: number[][];
  inner: unknown[][];
}

/** Applies all transforms to every image, in a random order per image. Transforms must keep the size. */
export class RandomOrder extends Augmentation<RandomOrderParams> {
  readonly name = 'randomOrder';
  readonly transforms: AnyAugmentation[];
  constructor(transforms: readonly Transform[]) {
    super();
    this.transforms = children('transforms', transforms);
  }
  sampleParams(shape: readonly number[], rng: Rng): RandomOrderParams {
    const s = checkBatchShape(shape);
    for (const t of this.transforms) requireSameShape(this.name, t, s);
    const order = Array.from({ length: s[0] }, () =>
      Array.from(rng.permutation(this.transforms.length)),
    );
    const inner = this.transforms.map((_, step) =>
      this.transforms.map((t, k) => {
        const count = order.filter((o) => o[step] === k).length;
        return count ? t.sampleParams([count, s[1], s[2], s[3]], rng) : null;
      }),
    );
    return { order, inner };
  }
  private run(
    x: tf.Tensor,
    params: RandomOrderParams,
    fn: (t: AnyAugmentation, sub: tf.Tensor, p: unknown) => tf.Tensor,
  ): tf.Tensor {
    if (!Array.isArray(params.order) || params.order.length !== x.shape[0])
      throw new ShapeError(`params.order was drawn for another batch size than ${x.shape[0]}`);
    let y = x;
    this.transforms.forEach((_, step) => {
      this.transforms.forEach((t, k) => {
        const index = params.order.flatMap((o, i) => (o[step] === k ? [i] : []));
        if (index.length)
          y = chainStep(y, x, (cur) =>
            onSubset(cur, index, (sub) => fn(t, sub, params.inner[step]![k])),
          );
      });
    });
    return y === x ? tf.clone(x) : y;
  }
  apply(images: tf.Tensor, params: RandomOrderParams): tf.Tensor {
    checkImages(images);
    return this.run(images, params, (t, sub, p) => t.apply(sub, p));
  }
  override applyToLabels(labels: tf.Tensor, params: RandomOrderParams): tf.Tensor {
    return this.run(labels, params, (t, sub, p) => labelsOf(t, sub, p));
  }
  getOptions(): Record<string, Json> {
    return { transforms: this.transforms.map((t) => t.getConfig() as unknown as Json) };
  }
}

/**
 * Random order per image.
 *
 * @example const t = randomOrder([brightness({ factor: 0.2 }), contrast({ factor: 0.2 })]);
 */
export const randomOrder = (transforms: readonly Transform[]) => new RandomOrder(transforms);
