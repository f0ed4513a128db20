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
  type AugmentationConfig,
  type BatchShape,
  checkBatchShape,
  checkImages,
  checkP,
  drawMask,
  type Json,
} from './augmentation.js';
import { takeImages } from './ops/gather.js';
import { randInt } from './sampling.js';

// biome-ignore lint/suspicious/noExplicitAny: children have heterogeneous parameter types
type AnyAugmentation = Augmentation<any>;

/** Wraps a plain core {@link Transform} (e.g. the user's own) so composites can hold it. */
class ForeignTransform extends Augmentation<unknown> {
  readonly name: string;
  constructor(private readonly inner: Transform) {
    super();
    this.name = inner.name;
    if (inner.applyToLabels)
      this.applyToLabels = (labels, params) => inner.applyToLabels!(labels, params);
  }
  sampleParams(shape: readonly number[], rng: Rng): unknown {
    return this.inner.sampleParams(shape, rng);
  }
  apply(images: tf.Tensor, params: unknown): tf.Tensor {
    return this.inner.apply(images, params);
  }
  getOptions(): Record<string, Json> {
    return {};
  }
}

/** Any core Transform as an {@link Augmentation} (ours pass through unchanged). */
export function asAugmentation(t: Transform): AnyAugmentation {
  if (t instanceof Augmentation) return t;
  if (!t || typeof t.sampleParams !== 'function' || typeof t.apply !== 'function') {
    throw new InvalidArgumentError('transform', t, 'a Transform (name, sampleParams, apply)');
  }
  return new ForeignTransform(t);
}

function children(argument: string, transforms: readonly Transform[]): AnyAugmentation[] {
  if (!Array.isArray(transforms) || transforms.length === 0)
    throw new InvalidArgumentError(argument, transforms, 'a non-empty array of transforms');
  return transforms.map(asAugmentation);
}

/**
 * Runs `fn` on the images at `index` only and puts the results back in place: one gather
 * in, one gather out, so a per-image choice costs no per-image op.
 */
function onSubset(
  x: tf.Tensor,
  index: readonly number[],
  fn: (sub: tf.Tensor) => tf.Tensor,
): tf.Tensor {
  const n = x.shape[0]!;
  if (index.length === 0) return tf.clone(x);
  if (index.length === n && index.every((v, i) => v === i)) return fn(x);
  return tf.tidy(() => {
    const chosen = new Set(index);
    const rest = Array.from({ length: n }, (_, i) => i).filter((i) => !chosen.has(i));
    const changed = fn(takeImages(x, index as number[]));
    if (!rest.length) return takeImages(changed, inversePermutation([...index]));
    const kept = takeImages(x, rest);
    return takeImages(tf.concat([changed, kept]), inversePermutation([...index, ...rest]));
  });
}

function inversePermutation(order: number[]): number[] {
  const inv = new Array<number>(order.length);
  order.forEach((from, k) => {
    inv[from] = k;
  });
  return inv;
}

/** Applies `step` (image or label side) and disposes the previous intermediate (never the caller's input). */
function chainStep(
  current: tf.Tensor,
  input: tf.Tensor,
  step: (x: tf.Tensor) => tf.Tensor,
): tf.Tensor {
  const next = step(current);
  if (current !== input && current !== next) current.dispose();
  return next;
}

const labelsOf = (t: AnyAugmentation, labels: tf.Tensor, params: unknown) =>
  t.applyToLabels ? t.applyToLabels(labels, params) : tf.clone(labels);

function requireSameShape(name: string, t: AnyAugmentation, shape: BatchShape): void {
  const out = t.outputShape(shape);
  if (out.some((d, i) => d !== shape[i])) {
    throw new ShapeError(
      `${name} can only hold transforms that keep the image size; ${t.name} maps [${shape.join(', ')}] to [${out.join(', ')}]`,
    );
  }
}

/** Parameters of {@link compose}: each child's draw, in order. */
export interface ComposeParams {
  steps: unknown[];
}

/**
 * Applies transforms one after another (each sees the previous one's output shape). A
 * pipeline: itself a transform, with labels routed through the mixing steps.
 */
export class Compose extends Augmentation<ComposeParams> {
  readonly transforms: AnyAugmentation[];
  constructor(
    transforms: readonly Transform[],
    readonly name = 'compose',
  ) {
    super();
    this.transforms = children('transforms', transforms);
  }
  override outputShape(shape: BatchShape): BatchShape {
    return this.transforms.reduce((s, t) => t.outputShape(s), shape);
  }
  sampleParams(shape: readonly number[], rng: Rng): ComposeParams {
    let s = checkBatchShape(shape);
    const steps = this.transforms.map((t) => {
      const p = t.sampleParams(s, rng);
      s = t.outputShape(s);
      return p;
    });
    return { steps };
  }
  apply(images: tf.Tensor, params: ComposeParams): tf.Tensor {
    checkImages(images);
    this.checkSteps(params);
    let x = images;
    this.transforms.forEach((t, i) => {
      x = chainStep(x, images, (cur) => t.apply(cur, params.steps[i]));
    });
    return x === images ? tf.clone(images) : x;
  }
  override applyToLabels(labels: tf.Tensor, params: ComposeParams): tf.Tensor {
    this.checkSteps(params);
    let y = labels;
    this.transforms.forEach((t, i) => {
      if (t.applyToLabels)
        y = chainStep(y, labels, (cur) => t.applyToLabels!(cur, params.steps[i]));
    });
    return y === labels ? tf.clone(labels) : y;
  }
  private checkSteps(params: ComposeParams): void {
    if (!params || !Array.isArray(params.steps) || params.steps.length !== this.transforms.length) {
      throw new ShapeError(
        `params.steps must hold ${this.transforms.length} draws (one per transform)`,
      );
    }
  }
  getOptions(): Record<string, Json> {
    return { transforms: this.transforms.map((t) => t.getConfig() as unknown as Json) };
  }
}

/**
 * Sequential composition.
 *
 * @example const t = compose([rotate({ degrees: 10 }), brightness({ factor: 0.2 })]);
 */
export const compose = (transforms: readonly Transform[]) => new Compose(transforms);

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

/** What {@link augment} returns: the batch, its labels, and the draw (null when not training). */
export interface AugmentResult<P = unknown> {
  images: tf.Tensor;
  labels: tf.Tensor | undefined;
  params: P | null;
}

/** Options of {@link augment}. */
export interface AugmentOptions {
  /** Augmentation happens only when this is exactly `true`. */
  training?: boolean;
  /** Source of the draw; required when training. */
  rng?: Rng;
}

/**
 * Training-only entry point: draws parameters for the batch and applies them to the images
 * and (for mixing transforms) the labels. Unless `training === true` the inputs come back
 * untouched (as clones sharing their memory, so the caller may always dispose the result).
 *
 * @example
 * const { images, labels } = augment(pipeline, x, y, { training: true, rng: rng.fork('augment') });
 */
export function augment<P>(
  transform: Transform<P>,
  images: tf.Tensor,
  labels: tf.Tensor | undefined,
  options: AugmentOptions = {},
): AugmentResult<P> {
  if (options.training !== true)
    return {
      images: tf.clone(images),
      labels: labels ? tf.clone(labels) : undefined,
      params: null,
    };
  if (!options.rng || typeof options.rng.uniform !== 'function')
    throw new InvalidArgumentError('options.rng', options.rng, 'an Rng when training');
  const params = transform.sampleParams(checkImages(images), options.rng);
  const out = transform.apply(images, params);
  const mixed = labels
    ? transform.applyToLabels
      ? transform.applyToLabels(labels, params)
      : tf.clone(labels)
    : undefined;
  return { images: out, labels: mixed, params };
}

/**
 * A composed pipeline with the training-only {@link augment} entry as a method.
 *
 * @example
 * const aug = pipeline([affine({ degrees: 10, translate: 0.1 }), colorJitter({ brightness: 0.2 })]);
 * const { images } = aug.augment(x, undefined, { training: true, rng });
 */
export class Pipeline extends Compose {
  constructor(transforms: readonly Transform[]) {
    super(transforms, 'pipeline');
  }
  augment(
    images: tf.Tensor,
    labels: tf.Tensor | undefined,
    options: AugmentOptions = {},
  ): AugmentResult<ComposeParams> {
    return augment(this, images, labels, options);
  }
}

/**
 * Builds a {@link Pipeline}.
 *
 * @example const aug = pipeline([rotate({ degrees: 10 })]);
 */
export const pipeline = (transforms: readonly Transform[]) => new Pipeline(transforms);

export type { AugmentationConfig };
