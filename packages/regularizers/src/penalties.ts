import type { Parameter, PenaltyTerm } from '@overfit/core';
import {
  checkKnownKeys,
  checkNumber,
  type NameFilter,
  parameterSelector,
  selectionFromConfig,
  selectionToConfig,
} from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { RegularizerBase, registerSerializable } from './tfjs-bases.js';

/** Strengths of an elastic-net penalty; a strength left out is 0. */
export interface L1L2Args {
  /** L1 strength lambda_1 >= 0 (default 0). */
  l1?: number;
  /** L2 strength lambda_2 >= 0 (default 0). */
  l2?: number;
}

/** Where a penalty applies when used as a Trainer {@link PenaltyTerm}. */
export interface PenaltyOptions {
  /** Only the parameters of these layers (names, a pattern, or a predicate). */
  layers?: NameFilter;
  /** Own parameter filter; default: trainable kernels (biases are not penalized). */
  select?: (param: Parameter) => boolean;
  /** Name shown in loss logs; default `l1`, `l2` or `l1l2`. */
  name?: string;
}

function defaultName(l1: number, l2: number): string {
  if (l1 > 0 && l2 > 0) return 'l1l2';
  return l1 > 0 ? 'l1' : 'l2';
}

/**
 * Elastic-net cost penalty, `lambda_1 * sum |w| + lambda_2 * sum w^2` (the Keras convention:
 * no 1/2 in front of the L2 term, sums not means).
 *
 * One object, two uses:
 * - a tfjs-layers regularizer: `layers.dense({ units, kernelRegularizer: l2(0.01) })`,
 *   serialized as `OverfitL1L2` so saved models load back;
 * - a Trainer {@link PenaltyTerm}: `penalties: [l2(0.01)]` (trainable kernels), or
 *   `l2(0.01).asPenalty({ layers: ['dense_2'] })` for a per-layer lambda.
 *
 * Not weight decay: the gradient of `lambda * sum w^2` is `2 * lambda * w`, so under plain
 * SGD `l2(lambda)` equals decoupled weight decay `2 * lambda` (and PyTorch's SGD
 * `weight_decay = 2 * lambda`); under Adam and other adaptive optimizers the penalty's
 * gradient is rescaled per weight and the two differ — use {@link decoupledWeightDecay} / `adamw`
 * for AdamW-style decay.
 *
 * @example
 * const reg = l1l2({ l1: 1e-4, l2: 1e-3 });
 * reg.apply(tf.tensor([1, -2])); // 1e-4 * 3 + 1e-3 * 5 = 0.0053
 */
export class L1L2 extends RegularizerBase implements PenaltyTerm {
  static className = 'OverfitL1L2';
  readonly l1: number;
  readonly l2: number;
  readonly name: string;
  readonly select: ((param: Parameter) => boolean) | undefined;
  /** The options as given (what `getConfig` saves of them). */
  private readonly options: PenaltyOptions;

  constructor(args: L1L2Args = {}, options: PenaltyOptions = {}) {
    super();
    checkKnownKeys('args', args, ['l1', 'l2']);
    checkKnownKeys('options', options, ['layers', 'select', 'name']);
    this.l1 = checkNumber('l1', args.l1 ?? 0, { min: 0 });
    this.l2 = checkNumber('l2', args.l2 ?? 0, { min: 0 });
    this.select = parameterSelector('options', options);
    this.name = options.name ?? defaultName(this.l1, this.l2);
    this.options = { ...options };
  }

  /**
   * The penalty of one tensor: `l1 * sum |x| + l2 * sum x^2` (a scalar, differentiable). Its
   * gradient is `l1 * sign(x) + 2 * l2 * x`, with `sign(0) = 0` as in PyTorch and TensorFlow.
   */
  apply(x: tf.Tensor): tf.Scalar {
    return tf.tidy(() => {
      let total: tf.Scalar = tf.scalar(0);
      // |x| as x * sign(x): tfjs' Abs gradient is -1 at x = 0, torch's and TensorFlow's is
      // sign(0) = 0, so a weight sitting at exactly 0 (pruned, zero-initialized) stays there.
      if (this.l1 > 0) total = tf.add(total, tf.mul(this.l1, tf.sum(tf.mul(x, tf.sign(x)))));
      if (this.l2 > 0) total = tf.add(total, tf.mul(this.l2, tf.sum(tf.square(x))));
      return total;
    });
  }

  /** {@link PenaltyTerm.penalty}: the sum of {@link L1L2.apply} over the given parameters. */
  readonly penalty = (params: readonly Parameter[]): tf.Scalar =>
    tf.tidy(() =>
      params.reduce<tf.Scalar>((acc, p) => tf.add(acc, this.apply(p.variable)), tf.scalar(0)),
    );

  /** The same strengths as a Trainer penalty over other parameters (e.g. per layer). */
  asPenalty(options: PenaltyOptions): L1L2 {
    return new L1L2({ l1: this.l1, l2: this.l2 }, options);
  }

  /**
   * `{ l1, l2 }`, plus the Trainer-penalty options that were given: `layers` (names and
   * RegExps) and `name`. A layer regularizer's config stays `{ l1, l2 }`.
   *
   * @throws InvalidArgumentError for an own `select` or a predicate `layers` (no JSON form)
   */
  override getConfig(): tf.serialization.ConfigDict {
    const selection = selectionToConfig('options', this.options);
    return {
      l1: this.l1,
      l2: this.l2,
      ...(selection.layers === undefined ? {} : { layers: selection.layers }),
      ...(this.options.name === undefined ? {} : { name: this.options.name }),
    };
  }

  static fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const options: PenaltyOptions = selectionFromConfig('config', config);
    if (config.name !== undefined) options.name = config.name as string;
    return new cls({ l1: config.l1, l2: config.l2 }, options);
  }
}
registerSerializable(L1L2, 'penalty');

/**
 * L1 (lasso) penalty `lambda * sum |w|`; drives weights to exactly zero (sparse nets).
 *
 * @param lambda strength >= 0, default 0.01 (as Keras)
 * @example layers.dense({ units: 8, kernelRegularizer: l1(1e-3) })
 */
export function l1(lambda = 0.01, options: PenaltyOptions = {}): L1L2 {
  return new L1L2({ l1: checkNumber('lambda', lambda, { min: 0 }) }, options);
}

/**
 * L2 (ridge) penalty `lambda * sum w^2`; small, spread-out weights.
 *
 * @param lambda strength >= 0, default 0.01 (as Keras)
 * @example new Trainer({ penalties: [l2(0.01)] })
 */
export function l2(lambda = 0.01, options: PenaltyOptions = {}): L1L2 {
  return new L1L2({ l2: checkNumber('lambda', lambda, { min: 0 }) }, options);
}

/**
 * Elastic net `l1 * sum |w| + l2 * sum w^2`.
 *
 * @example l1l2({ l1: 1e-4, l2: 1e-3 })
 */
export function l1l2(args: L1L2Args = { l1: 0.01, l2: 0.01 }, options: PenaltyOptions = {}): L1L2 {
  return new L1L2(args, options);
}
