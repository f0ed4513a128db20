import {
  checkKnownKeys,
  checkNumber,
  InvalidArgumentError,
  type NameFilter,
  nameFilterFromConfig,
  nameFilterToConfig,
  nameMatcher,
  parameterKind,
} from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { deserializeObject, registerSerializable, serializeObject } from '../tfjs-bases.js';

/**
 * Which variables are NOT decayed: names or patterns (core's `NameFilter` vocabulary),
 * one pattern, or a predicate on the variable. A string or pattern is tested against the whole
 * variable name (`dense_1/bias`) and against its last path segment without tfjs' uniqueness
 * suffix (`bias` matches `dense_Dense1/bias_2`).
 */
export type VariableFilter =
  | readonly (string | RegExp)[]
  | RegExp
  | ((variable: tf.Variable) => boolean);

/**
 * The default: decay what a penalty regularizes by default — kernels (core's
 * {@link parameterKind} of the variable name, the rule of `isRegularizedByDefault`); biases,
 * BatchNorm's beta/gamma, embeddings and other weights are left undecayed. A variable made by
 * hand with no `/kernel` in its name is not a kernel either: pass `exclude: []` to decay it.
 */
export function isExcludedByDefault(variable: tf.Variable): boolean {
  return parameterKind(variable.name) !== 'kernel';
}

/** Options of {@link decoupledWeightDecay}. */
export interface DecoupledWeightDecayOptions {
  /** Decay rate `wd >= 0`: each step `w <- w - lr * wd * w`. */
  weightDecay: number;
  /**
   * Variables left undecayed. Default {@link isExcludedByDefault} (everything but kernels);
   * `[]` decays every updated variable, as `torch.optim.AdamW` does with a single group.
   */
  exclude?: VariableFilter;
  /**
   * The `lr` in `lr * wd`. Default: the wrapped optimizer's current `learningRate`, read every
   * step (so schedules that change it are followed); required for optimizers without one.
   */
  learningRate?: number;
}

function lastSegment(name: string): string {
  return (name.split('/').pop() ?? name).replace(/_\d+$/, '');
}

function excludePredicate(filter: VariableFilter): (v: tf.Variable) => boolean {
  if (typeof filter === 'function') return filter;
  const matches = nameMatcher('options.exclude', filter);
  return (v) => matches(v.name) || matches(lastSegment(v.name));
}

/** What `applyGradients` and `getWeights` exchange (tfjs-core does not export its type). */
export type NamedTensor = { name: string; tensor: tf.Tensor };

type WithLearningRate = tf.Optimizer & {
  learningRate?: number;
  setLearningRate?: (lr: number) => void;
};

/**
 * A `tf.Optimizer` that applies decoupled weight decay (Loshchilov & Hutter) before the wrapped
 * optimizer's own update: for every variable that receives a gradient and is not excluded,
 * `w <- w * (1 - lr * wd)`, then the inner step (the order of `torch.optim.AdamW`).
 * `minimize`, `computeGradients` and `applyGradients` work as on any optimizer; tfjs-layers'
 * `model.compile({ optimizer })` accepts it.
 *
 * Why not an L2 penalty: with Adam the penalty's gradient `2 * lambda * w` is divided by
 * `sqrt(v)` like any gradient, so large-gradient weights are barely regularized; decoupled decay
 * shrinks every weight by the same factor.
 */
export class DecoupledWeightDecay extends tf.Optimizer {
  static className = 'OverfitDecoupledWeightDecay';
  readonly inner: tf.Optimizer;
  readonly weightDecay: number;
  private readonly excluded: (v: tf.Variable) => boolean;
  /** `options.exclude` as given (what `getConfig` saves). */
  private readonly exclude: VariableFilter | undefined;
  private readonly fixedLearningRate: number | undefined;

  constructor(optimizer: tf.Optimizer, options: DecoupledWeightDecayOptions) {
    super();
    if (!(optimizer instanceof tf.Optimizer)) {
      throw new InvalidArgumentError(
        'optimizer',
        optimizer,
        'a tf.Optimizer (tf.train.adam(), sgd(), ...)',
      );
    }
    checkKnownKeys('options', options, ['weightDecay', 'exclude', 'learningRate']);
    this.weightDecay = checkNumber('options.weightDecay', options?.weightDecay, { min: 0 });
    this.excluded =
      options.exclude === undefined ? isExcludedByDefault : excludePredicate(options.exclude);
    this.exclude = options.exclude;
    this.fixedLearningRate =
      options.learningRate === undefined
        ? undefined
        : checkNumber('options.learningRate', options.learningRate, { min: 0 });
    const innerLr = (optimizer as WithLearningRate).learningRate;
    if (this.fixedLearningRate === undefined && typeof innerLr !== 'number') {
      throw new InvalidArgumentError(
        'options.learningRate',
        undefined,
        `a number >= 0: ${optimizer.getClassName()} has no learningRate to read`,
      );
    }
    this.inner = optimizer;
  }

  /** The learning rate used for the decay (and, when not fixed, the inner optimizer's). */
  get learningRate(): number {
    return this.fixedLearningRate ?? ((this.inner as WithLearningRate).learningRate as number);
  }

  /** Sets the inner optimizer's learning rate (what LR schedules call). */
  setLearningRate(learningRate: number): void {
    checkNumber('learningRate', learningRate, { min: 0 });
    const inner = this.inner as WithLearningRate;
    if (typeof inner.setLearningRate === 'function') inner.setLearningRate(learningRate);
    else inner.learningRate = learningRate;
  }

  /** Decays the selected variables, then lets the wrapped optimizer apply the gradients. */
  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const entries: [string, tf.Tensor | undefined][] = Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor])
      : Object.entries(variableGradients);
    const factor = 1 - this.learningRate * this.weightDecay;
    if (factor !== 1) {
      tf.tidy(() => {
        for (const [name, grad] of entries) {
          const variable = tf.engine().registeredVariables[name];
          if (grad == null || variable === undefined || this.excluded(variable)) continue;
          variable.assign(tf.mul(variable, factor));
        }
      });
    }
    this.inner.applyGradients(variableGradients);
    this.incrementIterations();
  }

  override dispose(): void {
    this.inner.dispose();
  }

  override async getWeights(): Promise<NamedTensor[]> {
    return this.inner.getWeights();
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    await this.inner.setWeights(weightValues);
    this.iterations_ = this.inner.iterations;
  }

  /**
   * Inner optimizer, decay and `exclude` (names and patterns as core's `NameFilterConfig`; `null`
   * for the default).
   *
   * @throws InvalidArgumentError for a predicate `exclude` (a function has no JSON form)
   */
  override getConfig(): tf.serialization.ConfigDict {
    return {
      optimizer: serializeObject(this.inner),
      weightDecay: this.weightDecay,
      exclude:
        this.exclude === undefined
          ? null
          : nameFilterToConfig('options.exclude', this.exclude as NameFilter),
      learningRate: this.fixedLearningRate ?? null,
    };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const inner = deserializeObject<tf.Optimizer>(config.optimizer);
    return new cls(inner, {
      weightDecay: config.weightDecay,
      exclude:
        config.exclude === null || config.exclude === undefined
          ? undefined
          : (nameFilterFromConfig('config.exclude', config.exclude) as VariableFilter),
      learningRate: config.learningRate ?? undefined,
    });
  }
}
registerSerializable(DecoupledWeightDecay, 'optimizer');

/**
 * Wraps ANY tfjs optimizer with decoupled weight decay `w <- w - lr * wd * w` applied before its
 * update (SGDW, AdamW, RMSpropW, ...).
 *
 * @example
 * const opt = decoupledWeightDecay(tf.train.rmsprop(1e-3), { weightDecay: 1e-4 });
 * model.compile({ optimizer: opt, loss: 'categoricalCrossentropy' });
 */
export function decoupledWeightDecay(
  optimizer: tf.Optimizer,
  options: DecoupledWeightDecayOptions,
): DecoupledWeightDecay {
  return new DecoupledWeightDecay(optimizer, options);
}

/** Options of {@link sgdw} (tfjs' argument names). */
export interface SgdwOptions {
  /** Default 0.01. */
  learningRate?: number;
  /** Momentum in [0, 1), default 0 (plain SGD). */
  momentum?: number;
  /** Nesterov momentum, default false. */
  useNesterov?: boolean;
  /** Default 1e-4. */
  weightDecay?: number;
  exclude?: VariableFilter;
}

/**
 * SGD (with optional momentum) and decoupled weight decay:
 * `w <- w * (1 - lr * wd)`, `buf <- momentum * buf + g`, `w <- w - lr * buf`.
 * Under plain SGD this equals an L2 penalty `l2(wd / 2)`; with momentum it does not.
 *
 * @example const opt = sgdw({ learningRate: 0.1, momentum: 0.9, weightDecay: 5e-4 });
 */
export function sgdw(options: SgdwOptions = {}): DecoupledWeightDecay {
  checkKnownKeys('options', options, [
    'learningRate',
    'momentum',
    'useNesterov',
    'weightDecay',
    'exclude',
  ]);
  const learningRate = checkNumber('options.learningRate', options.learningRate ?? 0.01, {
    min: 0,
  });
  const momentum = checkNumber('options.momentum', options.momentum ?? 0, {
    min: 0,
    max: 1,
    maxInclusive: false,
  });
  const weightDecay = checkNumber('options.weightDecay', options.weightDecay ?? 1e-4, { min: 0 });
  const inner =
    momentum > 0 || options.useNesterov
      ? tf.train.momentum(learningRate, momentum, options.useNesterov ?? false)
      : tf.train.sgd(learningRate);
  return new DecoupledWeightDecay(inner, { weightDecay, exclude: options.exclude });
}
