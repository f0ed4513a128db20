import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import type { Rng } from './rng.js';

/**
 * The small contracts through which the Trainer runs penalties, transforms and callbacks, so
 * that each package (or the user's own code) can plug in without importing the others.
 */

/** What role a variable plays in its layer: only `kernel`s are regularized by default. */
export type ParameterKind = 'kernel' | 'bias' | 'gamma' | 'beta' | 'embedding' | 'other';

/** One trainable (or not) variable of a model, with the layer it belongs to. */
export interface Parameter {
  /** Full variable name, e.g. `dense_1/kernel`. */
  readonly name: string;
  /** Name of the owning layer, e.g. `dense_1`. */
  readonly layerName: string;
  readonly kind: ParameterKind;
  readonly trainable: boolean;
  readonly variable: Variable;
}

/**
 * A cost-function penalty over parameters: returns a scalar added to the data loss. Called
 * inside the gradient tape, so it must be built from differentiable tfjs ops.
 */
export type Penalty = (params: readonly Parameter[]) => Scalar;

/** A penalty with the parameter selection it applies to (what the Trainer's `penalties` take). */
export interface PenaltyTerm {
  readonly name: string;
  /** Which parameters it sees; default: trainable kernels. */
  readonly select?: (param: Parameter) => boolean;
  readonly penalty: Penalty;
}

/** Hard constraint applied to a variable's value after each optimizer update. */
export interface ParameterConstraint {
  readonly name: string;
  /** Default: kernels only. */
  readonly select?: (param: Parameter) => boolean;
  /** Returns the projected value (a new tensor of the same shape). */
  project(value: Tensor): Tensor;
}

/**
 * A batched, seeded, replayable transform (torchvision v2 / Keras preprocessing style):
 * draw parameters once, then apply them to images and (when the transform mixes samples)
 * to labels, identically.
 */
export interface Transform<P = unknown> {
  readonly name: string;
  /** Draws this batch's random parameters: one draw per image. `shape` is `[N, H, W, C]`. */
  sampleParams(shape: readonly number[], rng: Rng): P;
  /** Applies drawn parameters to an NHWC float batch. Pure; returns a new tensor. */
  apply(images: Tensor, params: P): Tensor;
  /** For label-mixing transforms (MixUp, CutMix): the labels that go with `apply`'s images. */
  applyToLabels?(labels: Tensor, params: P): Tensor;
}

/** Numbers reported to callbacks: `loss`, `valLoss`, `valAccuracy`, `valMacroF1`, ... */
export type Logs = Record<string, number>;

/**
 * The model as callbacks see it. A tfjs-layers `LayersModel` satisfies it, so one callback
 * works in the overfit Trainer and in `model.fit`.
 */
export interface CallbackModel {
  stopTraining: boolean;
  getWeights(trainableOnly?: boolean): Tensor[];
  setWeights(weights: Tensor[]): void;
  optimizer?: unknown;
}

/**
 * Callback protocol, method for method the one of tfjs-layers (`tf.CustomCallbackArgs` /
 * `BaseCallback`): the Trainer calls these in the same order `model.fit` does, and stops
 * when a callback sets `model.stopTraining = true`.
 */
export interface TrainingCallback {
  setModel?(model: CallbackModel): void;
  setParams?(params: Record<string, unknown>): void;
  onTrainBegin?(logs?: Logs): void | Promise<void>;
  onTrainEnd?(logs?: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs?: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs?: Logs): void | Promise<void>;
  onBatchBegin?(batch: number, logs?: Logs): void | Promise<void>;
  onBatchEnd?(batch: number, logs?: Logs): void | Promise<void>;
}

/**
 * A streaming metric, torchmetrics' protocol: `update` with each batch (it must not read the
 * device, and must keep its own state alive inside an enclosing `tf.tidy`), `compute` the value
 * over everything since `reset`. The Trainer's `metrics` take these (the streaming metrics of
 * `@overfit/metrics`, or your own); `compute` must give a number there.
 */
export interface StreamingMetric {
  /** The History key part (`f1` → `valF1`); default: the registered class name. */
  readonly name?: string;
  /** `yTrue`: class ids `[N]` or one-hot / soft `[N, K]`; `yPred`: model outputs. */
  update(yTrue: Tensor, yPred: Tensor): void;
  compute(): unknown;
  reset(): void;
}
