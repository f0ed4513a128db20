import {
  checkKnownKeys,
  checkNumber,
  FusedAdamUpdate,
  type FusedAdamUpdateAttrs,
  hasKernel,
} from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { registerSerializable } from '../tfjs-bases.js';
import { DecoupledWeightDecay, type NamedTensor, type VariableFilter } from './weight-decay.js';

/**
 * Adam written step for step like `torch.optim.Adam` (the update inside AdamW), so that
 * {@link adamw} reproduces PyTorch's trajectory:
 * `m <- b1 m + (1 - b1) g`, `v <- b2 v + (1 - b2) g^2`,
 * `w <- w - (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)`.
 *
 * Why not `tf.train.adam`: its formula is the same, but its default epsilon is the backend's
 * (1e-7, 1e-4 on WebGL f16) instead of 1e-8, it accumulates `b^t` by repeated float32
 * multiplication (torch uses a double `b ** t`), and it keys its moment slots by the position
 * of a variable in the gradient list, so a changing `varList` mixes up states. Here the bias
 * corrections are computed in double and state is keyed by variable name.
 *
 * As in torch, the step count `t` is kept per variable and advances only on steps where the
 * variable gets a gradient: a variable that starts training late (a layer unfrozen mid-run)
 * gets the bias corrections of `t = 1` on its first update, not those of the global step
 * (tfjs' Adam uses the global one).
 */
export class TorchAdam extends tf.Optimizer {
  static className = 'OverfitTorchAdam';
  private readonly moments = new Map<string, AdamSlot>();

  constructor(
    public learningRate: number,
    readonly beta1: number,
    readonly beta2: number,
    readonly epsilon: number,
    /**
     * Coupled weight decay, `torch.optim.Adam(weight_decay)`: `g <- g + weightDecay * w` before
     * the moments (an L2 penalty `weightDecay / 2 * ||w||^2`, scaled by Adam like any gradient);
     * 0 by default. For decoupled decay use {@link adamw}.
     */
    readonly weightDecay = 0,
  ) {
    super();
    // Checked here, not only in adamw() / torchAdam(): fromConfig and direct use come this way.
    checkNumber('learningRate', learningRate, { min: 0 });
    checkNumber('beta1', beta1, { min: 0, max: 1, maxInclusive: false });
    checkNumber('beta2', beta2, { min: 0, max: 1, maxInclusive: false });
    checkNumber('epsilon', epsilon, { min: 0 });
    checkNumber('weightDecay', weightDecay, { min: 0 });
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const entries: [string, tf.Tensor | undefined][] = Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor])
      : Object.entries(variableGradients);
    // The fused kernel (one per variable) where an app installed it (@overfit/kernels).
    const fused =
      hasKernel(FusedAdamUpdate) && entries.every(([, g]) => g == null || g.dtype === 'float32');
    tf.tidy(() => {
      for (const [name, rawGrad] of entries) {
        const variable = tf.engine().registeredVariables[name];
        if (rawGrad == null || variable === undefined) continue;
        // PyTorch's Adam: grad = grad.add(param, alpha=weight_decay), on every parameter.
        const grad =
          this.weightDecay === 0 ? rawGrad : tf.add(rawGrad, tf.mul(variable, this.weightDecay));
        const state = this.slot(name, variable);
        state.step += 1;
        const biasCorrection1 = 1 - this.beta1 ** state.step;
        const biasCorrection2 = 1 - this.beta2 ** state.step;
        const stepSize = this.learningRate / biasCorrection1;
        const bc2Sqrt = Math.sqrt(biasCorrection2);
        if (fused) {
          const attrs: FusedAdamUpdateAttrs = {
            learningRate: this.learningRate,
            beta1: this.beta1,
            beta2: this.beta2,
            epsilon: this.epsilon,
            biasCorrection1,
            biasCorrection2,
          };
          const [x, m, v] = tf
            .engine()
            .runKernel(
              FusedAdamUpdate,
              { x: variable, m: state.m, v: state.v, g: grad },
              attrs as unknown as tf.NamedAttrMap,
            ) as tf.Tensor[];
          state.m.assign(m!);
          state.v.assign(v!);
          variable.assign(x!);
          continue;
        }
        const m = tf.add(state.m, tf.mul(tf.sub(grad, state.m), 1 - this.beta1));
        const v = tf.add(tf.mul(state.v, this.beta2), tf.mul(tf.square(grad), 1 - this.beta2));
        const denom = tf.add(tf.div(tf.sqrt(v), bc2Sqrt), this.epsilon);
        state.m.assign(m);
        state.v.assign(v);
        variable.assign(tf.add(variable, tf.mul(tf.div(m, denom), -stepSize)));
      }
    });
    this.incrementIterations();
  }

  private slot(name: string, variable: tf.Variable): AdamSlot {
    let state = this.moments.get(name);
    if (state === undefined) {
      state = tf.tidy(() => ({
        m: tf.variable(tf.zerosLike(variable), false),
        v: tf.variable(tf.zerosLike(variable), false),
        step: 0,
      }));
      this.moments.set(name, state);
    }
    return state;
  }

  override dispose(): void {
    for (const { m, v } of this.moments.values()) tf.dispose([m, v]);
    this.moments.clear();
  }

  /**
   * `[iter, <name>/m..., <name>/v..., <name>/step...]`: the layout of tfjs' Adam, then each
   * variable's own step count (a fresh scalar the caller owns).
   */
  override async getWeights(): Promise<NamedTensor[]> {
    const states = [...this.moments.entries()];
    return [
      await this.saveIterations(),
      ...states.map(([name, s]) => ({ name: `${name}/m`, tensor: s.m })),
      ...states.map(([name, s]) => ({ name: `${name}/v`, tensor: s.v })),
      ...states.map(([name, s]) => ({ name: `${name}/step`, tensor: tf.scalar(s.step, 'int32') })),
    ];
  }

  /** Restores {@link getWeights}' layout; without `/step` entries (older saves) each variable's step is `iterations`. */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    const bySuffix = (suffix: string) =>
      new Map(
        rest
          .filter((w) => w.name.endsWith(suffix))
          .map((w) => [w.name.slice(0, -suffix.length), w.tensor] as const),
      );
    const [ms, vs, steps] = [bySuffix('/m'), bySuffix('/v'), bySuffix('/step')];
    const stepValues = new Map<string, number>();
    for (const [name, t] of steps) stepValues.set(name, (await t.data())[0]!);
    this.dispose();
    for (const [name, m] of ms) {
      const v = vs.get(name);
      if (v === undefined) continue;
      this.moments.set(name, {
        m: tf.variable(m, false),
        v: tf.variable(v, false),
        step: stepValues.get(name) ?? this.iterations,
      });
    }
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      weightDecay: this.weightDecay,
    };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    checkKnownKeys('config', config, [
      'learningRate',
      'beta1',
      'beta2',
      'epsilon',
      'weightDecay',
      'customObjects',
    ]);
    return new cls(
      config.learningRate,
      config.beta1,
      config.beta2,
      config.epsilon,
      config.weightDecay ?? 0,
    );
  }
}
registerSerializable(TorchAdam, 'optimizer');

/** One variable's Adam state: the moments and its own step count (torch's `state['step']`). */
interface AdamSlot {
  m: tf.Variable;
  v: tf.Variable;
  step: number;
}

/** Options of {@link adamw}: tfjs' argument names, PyTorch's defaults. */
export interface AdamWOptions {
  /** Default 1e-3. */
  learningRate?: number;
  /** Default 0.9, in [0, 1). */
  beta1?: number;
  /** Default 0.999, in [0, 1). */
  beta2?: number;
  /** Default 1e-8 (PyTorch's; tfjs' Adam uses the backend's epsilon). */
  epsilon?: number;
  /** Default 0.01 (PyTorch's AdamW default). */
  weightDecay?: number;
  /** Variables not decayed; default biases and normalization beta/gamma (see `DecoupledWeightDecay`). */
  exclude?: VariableFilter;
}

/**
 * AdamW (Loshchilov & Hutter), the `torch.optim.AdamW` algorithm step for step:
 * `w <- w * (1 - lr * wd)` then the Adam update of {@link TorchAdam}. Returns a `tf.Optimizer`.
 *
 * Differs from Adam + `l2(lambda)`: there the penalty gradient goes through Adam's per-weight
 * scaling; here every non-excluded weight shrinks by the same factor each step.
 *
 * @example
 * model.compile({ optimizer: adamw({ learningRate: 1e-3, weightDecay: 1e-4 }), loss: 'meanSquaredError' });
 */
export function adamw(options: AdamWOptions = {}): DecoupledWeightDecay {
  checkKnownKeys('options', options, [
    'learningRate',
    'beta1',
    'beta2',
    'epsilon',
    'weightDecay',
    'exclude',
  ]);
  const learningRate = checkNumber('options.learningRate', options.learningRate ?? 1e-3, {
    min: 0,
  });
  const beta1 = checkNumber('options.beta1', options.beta1 ?? 0.9, {
    min: 0,
    max: 1,
    maxInclusive: false,
  });
  const beta2 = checkNumber('options.beta2', options.beta2 ?? 0.999, {
    min: 0,
    max: 1,
    maxInclusive: false,
  });
  const epsilon = checkNumber('options.epsilon', options.epsilon ?? 1e-8, { min: 0 });
  const weightDecay = checkNumber('options.weightDecay', options.weightDecay ?? 0.01, { min: 0 });
  return new DecoupledWeightDecay(new TorchAdam(learningRate, beta1, beta2, epsilon), {
    weightDecay,
    exclude: options.exclude,
  });
}

/** Options of {@link torchAdam}: tfjs' argument names, PyTorch's defaults. */
export interface TorchAdamOptions {
  /** Default 1e-3. */
  learningRate?: number;
  /** Default 0.9, in [0, 1). */
  beta1?: number;
  /** Default 0.999, in [0, 1). */
  beta2?: number;
  /** Default 1e-8. */
  epsilon?: number;
  /** Coupled L2 weight decay (PyTorch's `Adam(weight_decay)`), on every parameter. Default 0. */
  weightDecay?: number;
}

/**
 * PyTorch's `torch.optim.Adam`, with its *coupled* `weight_decay`: `g <- g + wd * w`, then
 * Adam. Beside {@link adamw} (decoupled: `w <- w * (1 - lr * wd)`, then Adam on the raw
 * gradient) so the two can be compared on the same network, as the course asks.
 *
 * @example const opt = torchAdam({ learningRate: 1e-3, weightDecay: 1e-4 });
 */
export function torchAdam(options: TorchAdamOptions = {}): TorchAdam {
  checkKnownKeys('options', options, ['learningRate', 'beta1', 'beta2', 'epsilon', 'weightDecay']);
  const unit = { min: 0, max: 1, maxInclusive: false } as const;
  return new TorchAdam(
    checkNumber('options.learningRate', options.learningRate ?? 1e-3, { min: 0 }),
    checkNumber('options.beta1', options.beta1 ?? 0.9, unit),
    checkNumber('options.beta2', options.beta2 ?? 0.999, unit),
    checkNumber('options.epsilon', options.epsilon ?? 1e-8, { min: 0 }),
    checkNumber('options.weightDecay', options.weightDecay ?? 0, { min: 0 }),
  );
}
