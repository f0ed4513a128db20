import type { Parameter, ParameterConstraint, ParameterSelection } from '@overfit/core';
import {
  checkKnownKeys,
  checkNumber,
  InvalidArgumentError,
  type NameFilter,
  parameterSelector,
  selectionFromConfig,
  selectionToConfig,
} from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { Callback, type LayersModel } from '@tensorflow/tfjs-layers';
import { ConstraintBase, registerSerializable } from './tfjs-bases.js';

// Keras' epsilon in the norm denominators (a constant, so results do not depend on the backend).
const NORM_EPSILON = 1e-7;

/**
 * Axes over which a norm is taken. Default `'fan-in'`: every axis but the last, i.e. one norm
 * per output unit — `0` for a Dense kernel `[in, out]` (Keras' default) and `[0, 1, 2]` for a
 * Conv2D kernel `[h, w, in, out]`; the whole vector for a rank-1 weight.
 */
export type NormAxis = number | number[] | 'fan-in';

/** Where a constraint applies when used as a Trainer {@link ParameterConstraint}. */
export interface ConstraintOptions {
  /** Norm axes, default `'fan-in'` (see {@link NormAxis}). */
  axis?: NormAxis;
  /** Only the parameters of these layers. */
  layers?: NameFilter;
  /** Own parameter filter; default kernels only. */
  select?: (param: Parameter) => boolean;
}

function checkAxis(axis: unknown): NormAxis {
  if (axis === 'fan-in') return axis;
  const list = Array.isArray(axis) ? axis : [axis];
  if (list.length === 0 || !list.every((a) => Number.isInteger(a))) {
    throw new InvalidArgumentError(
      'options.axis',
      axis,
      "an integer, an array of integers or 'fan-in'",
    );
  }
  return axis as number | number[];
}

function resolveAxes(axis: NormAxis, rank: number): number[] {
  if (axis === 'fan-in') return rank <= 1 ? [0] : Array.from({ length: rank - 1 }, (_, i) => i);
  const list = Array.isArray(axis) ? axis : [axis];
  return list.map((a) => {
    if (a < -rank || a >= rank)
      throw new InvalidArgumentError('axis', a, `an axis of a rank-${rank} weight`);
    return a < 0 ? a + rank : a;
  });
}

/** Shared base: a tfjs-layers `Constraint` that is also a Trainer `ParameterConstraint`. */
abstract class NormConstraint extends ConstraintBase implements ParameterConstraint {
  abstract readonly name: string;
  readonly axis: NormAxis;
  readonly select: ((param: Parameter) => boolean) | undefined;
  /** The selection as given (what `getConfig` saves of it). */
  private readonly selection: ParameterSelection;

  constructor(options: ConstraintOptions, extraKeys: readonly string[]) {
    super();
    checkKnownKeys('options', options, ['axis', 'layers', 'select', ...extraKeys]);
    this.axis = checkAxis(options.axis ?? 'fan-in');
    this.select = parameterSelector('options', options);
    this.selection = { layers: options.layers, select: options.select };
  }

  /**
   * The constrained value of `w`. As a layer's `kernelConstraint`, tfjs-layers calls it only when
   * the weight is written through `setWeights`, not after `model.fit`'s updates: the overfit
   * Trainer applies it after every step, and {@link ConstraintEnforcer} does in `model.fit`.
   */
  override apply(w: tf.Tensor): tf.Tensor {
    return tf.tidy(() =>
      this.projectWithNorms(w, tf.sqrt(tf.sum(tf.square(w), resolveAxes(this.axis, w.rank), true))),
    );
  }

  /** {@link ParameterConstraint.project}: same as {@link apply}. */
  project(value: tf.Tensor): tf.Tensor {
    return this.apply(value);
  }

  protected abstract projectWithNorms(w: tf.Tensor, norms: tf.Tensor): tf.Tensor;

  /** `{ axis }` and the constraint's own values, plus `layers` when given (see {@link selectionToConfig}). */
  override getConfig(): tf.serialization.ConfigDict {
    return { axis: this.axis, ...selectionToConfig('options', this.selection) };
  }

  // tfjs' deserializer adds `customObjects` to the config; pass on only our own keys.
  static fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const { customObjects: _ignored, layers: _layers, ...options } = config;
    return new cls({ ...options, ...selectionFromConfig('config', config) });
  }
}

/**
 * Max-norm: rescales each unit's incoming weight vector whose L2 norm exceeds `maxValue`,
 * `w <- w * min(||w||, c) / (eps + ||w||)` (Srivastava et al. used it with dropout; c = 3 to 4).
 *
 * @example layers.dense({ units: 64, kernelConstraint: maxNorm({ maxValue: 3 }) })
 */
export class MaxNorm extends NormConstraint {
  static className = 'OverfitMaxNorm';
  readonly name = 'maxNorm';
  readonly maxValue: number;

  constructor(options: ConstraintOptions & { maxValue?: number } = {}) {
    super(options, ['maxValue']);
    this.maxValue = checkNumber('options.maxValue', options.maxValue ?? 2, { min: 0 });
  }

  protected projectWithNorms(w: tf.Tensor, norms: tf.Tensor): tf.Tensor {
    return tf.mul(w, tf.div(tf.clipByValue(norms, 0, this.maxValue), tf.add(norms, NORM_EPSILON)));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), maxValue: this.maxValue };
  }
}

/**
 * Unit-norm: `w <- w / (eps + ||w||)` along the norm axes.
 *
 * @example unitNorm({ axis: 0 })
 */
export class UnitNorm extends NormConstraint {
  static className = 'OverfitUnitNorm';
  readonly name = 'unitNorm';

  constructor(options: ConstraintOptions = {}) {
    super(options, []);
  }

  protected projectWithNorms(w: tf.Tensor, norms: tf.Tensor): tf.Tensor {
    return tf.div(w, tf.add(norms, NORM_EPSILON));
  }
}

/**
 * Min-max-norm: pulls each norm into `[minValue, maxValue]`, at speed `rate` in [0, 1]:
 * `desired = rate * clip(||w||, min, max) + (1 - rate) * ||w||`, `w <- w * desired / (eps + ||w||)`.
 *
 * @example minMaxNorm({ minValue: 0.5, maxValue: 1 })
 */
export class MinMaxNorm extends NormConstraint {
  static className = 'OverfitMinMaxNorm';
  readonly name = 'minMaxNorm';
  readonly minValue: number;
  readonly maxValue: number;
  readonly rate: number;

  constructor(
    options: ConstraintOptions & { minValue?: number; maxValue?: number; rate?: number } = {},
  ) {
    super(options, ['minValue', 'maxValue', 'rate']);
    this.minValue = checkNumber('options.minValue', options.minValue ?? 0, { min: 0 });
    this.maxValue = checkNumber('options.maxValue', options.maxValue ?? 1, { min: this.minValue });
    this.rate = checkNumber('options.rate', options.rate ?? 1, { min: 0, max: 1 });
  }

  protected projectWithNorms(w: tf.Tensor, norms: tf.Tensor): tf.Tensor {
    const desired = tf.add(
      tf.mul(this.rate, tf.clipByValue(norms, this.minValue, this.maxValue)),
      tf.mul(1 - this.rate, norms),
    );
    return tf.mul(w, tf.div(desired, tf.add(norms, NORM_EPSILON)));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      minValue: this.minValue,
      maxValue: this.maxValue,
      rate: this.rate,
    };
  }
}

/**
 * Non-negativity: `w <- max(w, 0)`.
 *
 * @example layers.dense({ units: 4, kernelConstraint: nonNeg() })
 */
export class NonNeg extends ConstraintBase implements ParameterConstraint {
  static className = 'OverfitNonNeg';
  readonly name = 'nonNeg';
  readonly select: ((param: Parameter) => boolean) | undefined;
  private readonly selection: ParameterSelection;

  constructor(options: Omit<ConstraintOptions, 'axis'> = {}) {
    super();
    checkKnownKeys('options', options, ['layers', 'select']);
    this.select = parameterSelector('options', options);
    this.selection = { layers: options.layers, select: options.select };
  }

  override apply(w: tf.Tensor): tf.Tensor {
    return tf.relu(w);
  }

  project(value: tf.Tensor): tf.Tensor {
    return this.apply(value);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return selectionToConfig('options', this.selection);
  }

  static fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict = {},
  ): T {
    return new cls(selectionFromConfig('config', config));
  }
}

for (const cls of [MaxNorm, UnitNorm, MinMaxNorm, NonNeg]) registerSerializable(cls, 'constraint');

/** Max-norm constraint (default `maxValue` 2, as Keras). */
export function maxNorm(options: ConstraintOptions & { maxValue?: number } = {}): MaxNorm {
  return new MaxNorm(options);
}

/** Unit-norm constraint. */
export function unitNorm(options: ConstraintOptions = {}): UnitNorm {
  return new UnitNorm(options);
}

/** Min-max-norm constraint (defaults min 0, max 1, rate 1, as Keras). */
export function minMaxNorm(
  options: ConstraintOptions & { minValue?: number; maxValue?: number; rate?: number } = {},
): MinMaxNorm {
  return new MinMaxNorm(options);
}

/** Non-negativity constraint. */
export function nonNeg(options: Omit<ConstraintOptions, 'axis'> = {}): NonNeg {
  return new NonNeg(options);
}

/**
 * Projects variables in place with a constraint — what the Trainer does after each optimizer
 * step; for hand-written loops.
 *
 * @example
 * optimizer.minimize(loss);
 * applyConstraint(maxNorm({ maxValue: 3 }), [kernel]);
 */
export function applyConstraint(
  constraint: ParameterConstraint,
  variables: readonly tf.Variable[],
): void {
  tf.tidy(() => {
    for (const v of variables) v.assign(constraint.project(v));
  });
}

/**
 * Projects every weight of a tfjs-layers model that has a `kernelConstraint` /
 * `biasConstraint` (any tfjs-layers or overfit constraint).
 *
 * Why: tfjs-layers 4.22 applies a weight's constraint only when the weight is written through
 * `setWeights`, not after the optimizer's update in `model.fit`, so constraints silently do
 * nothing during training. Call this after each step, or use {@link ConstraintEnforcer}.
 */
export function enforceConstraints(model: LayersModel): void {
  tf.tidy(() => {
    for (const weight of model.weights) {
      if (weight.constraint == null) continue;
      const value = weight.read() as tf.Variable;
      value.assign(weight.constraint.apply(value));
    }
  });
}

/**
 * `model.fit` callback that enforces the model's weight constraints after every batch (see
 * {@link enforceConstraints} for why tfjs-layers needs it).
 *
 * @example
 * await model.fit(x, y, { epochs: 10, callbacks: [new ConstraintEnforcer()] });
 */
export class ConstraintEnforcer extends Callback {
  override async onBatchEnd(): Promise<void> {
    enforceConstraints(this.model);
  }
}
