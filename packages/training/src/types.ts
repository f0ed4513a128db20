import type { Parameter, TrainingCallback } from '@overfit/core';
import type { Scalar, Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import type { EpochDiagnostics, GradientStep } from './diagnostics/types.js';
import type { UnfreezeStep } from './unfreezing.js';

/**
 * A data loss: `(yTrue, yPred) =>` the mean over the batch (a Scalar), or the per-sample
 * losses `[B]` (which the Trainer averages, or weights with `classWeight`).
 */
export type LossFn = (yTrue: Tensor, yPred: Tensor) => Scalar | Tensor1D;

/** A loss as the Trainer runs it: the batch mean. */
export type MeanLossFn = (yTrue: Tensor, yPred: Tensor) => Scalar;

/**
 * Names of the built-in losses (see {@link resolveLoss}): `softmaxCrossEntropy` and
 * `softmaxMeanSquaredError` take logits, `categoricalCrossEntropy` probabilities (a softmax
 * output layer), `meanSquaredError` anything.
 */
export type LossName =
  | 'softmaxCrossEntropy'
  | 'softmaxMeanSquaredError'
  | 'categoricalCrossEntropy'
  | 'meanSquaredError';

/** What a {@link LossHook} sees, inside the gradient tape of one step. */
export interface LossHookContext {
  /** Every parameter of the model (trainable or not), in model order. */
  readonly params: readonly Parameter[];
  /** Targets as the loss sees them: one-hot / soft `[B, K]` (or the regression targets). */
  readonly yTrue: Tensor;
  /** Model output (logits for classification). */
  readonly yPred: Tensor;
  /** The (augmented) input batch. */
  readonly x: Tensor;
  /** Global step index: `epoch * stepsPerEpoch + batch`. */
  readonly step: number;
}

/** Extra penalty computed from the step's tensors; `undefined` adds nothing. */
export type LossHook = (ctx: LossHookContext) => Scalar | undefined;

/** Training or validation data: inputs and targets with the same first dimension. */
export interface FitData {
  /** Inputs `[N, ...]` (`[N, H, W, C]` when the Trainer has an `augment` transform). */
  x: Tensor;
  /** Class ids int32 `[N]`, or one-hot / soft targets `[N, K]` (regression targets for MSE). */
  y: Tensor;
}

/** Progress report, once per step (host numbers only: it never waits for the device). */
export interface Progress {
  epoch: number;
  epochs: number;
  /** Index of the batch just trained, in its epoch. */
  batch: number;
  /** Batches per epoch. */
  batches: number;
  /** Training samples processed in this `fit` call so far. */
  samplesSeen: number;
  /** Mean loss of the last read window; present on steps where the loss was read. */
  loss?: number;
}

/** Options of {@link Trainer.fit}. */
export interface FitOptions {
  /** Index one past the last epoch to run (as in tfjs-layers, counted from 0, not from `initialEpoch`). */
  epochs: number;
  /** Default 32. */
  batchSize?: number;
  validationData?: FitData;
  /**
   * Keras' `validation_split`, in [0, 1): the last fraction of `data` (before shuffling) is
   * held out as validation data; 0 (Keras' default) holds out nothing. Not with
   * `validationData` (unless 0).
   */
  validationSplit?: number;
  /** Callbacks of this call only, run after the Trainer's own. */
  callbacks?: TrainingCallback[];
  /** Default true: a seeded permutation per epoch. */
  shuffle?: boolean;
  /** Default 0: epoch to start at (a resumed run sees the same shuffles as an unbroken one). */
  initialEpoch?: number;
  /** Abort stops training at the next step boundary (see {@link Trainer.fit}). */
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /**
   * Gradual unfreezing (ULMFiT): at the start of each step's `epoch` (before `onEpochBegin`),
   * its top-level `layers` become trainable. The Trainer rebinds its trainable weights at
   * every epoch boundary (also when a callback changes `trainable` in `onEpochBegin`); newly
   * trainable weights join the optimizer at the end of its list, so the others keep their
   * state. Layer names are checked before training. Not with `diagnostics`.
   */
  unfreeze?: UnfreezeStep[];
  /**
   * Read the loss back every `logEvery` steps (for `onBatchEnd` logs and progress) instead of
   * only at epoch end. Each read is one device sync; default: once per epoch.
   */
  logEvery?: number;
}

/**
 * One epoch's record (plain JSON).
 *
 * - `loss`: mean training objective (data loss + penalties + layer regularization losses),
 *   sample-weighted over the epoch's batches, as tfjs-layers reports it.
 * - `penalty`: the mean of the penalty part alone (present when there is one).
 * - `accuracy`: training accuracy on the (augmented) batches (classification only).
 * - `valLoss`: validation data loss (no penalties, so runs with different regularizers compare).
 * - `valAccuracy`, `valMacroF1`: from the validation confusion matrix (classification only).
 * - `samplesPerSecond`: training samples / training time (validation excluded);
 *   `durationMs`: the whole epoch, validation included.
 * - `gradNorm`: mean global (pre-clip) gradient norm over the epoch's steps (with
 *   `diagnostics.gradientNorms` or `clip`); `diagnostics`: see {@link EpochDiagnostics}.
 */
export interface EpochLog {
  epoch: number;
  loss: number;
  penalty?: number;
  accuracy?: number;
  valLoss?: number;
  valAccuracy?: number;
  valMacroF1?: number;
  samples: number;
  steps: number;
  durationMs: number;
  samplesPerSecond: number;
  gradNorm?: number;
  diagnostics?: EpochDiagnostics;
  /** The Trainer's `metrics` on the validation data, by History key (`valF1Score`). */
  metrics?: Record<string, number>;
}

/** Why training ended before `epochs`: a callback set `model.stopTraining`, or the signal aborted. */
export type StopReason = 'stopTraining' | 'aborted';

/** Result of {@link Trainer.fit} (plain JSON). */
export interface History {
  epochs: EpochLog[];
  /** Keras-style: metric name → one value per completed epoch. */
  history: Record<string, number[]>;
  /** Absent when every epoch ran. */
  stopReason?: StopReason;
  /** Every step's global and per-layer (raw) gradient norm (with `diagnostics.gradientNorms`). */
  gradientSteps?: GradientStep[];
}

/** Result of {@link Trainer.evaluate}; the classification fields are absent for regression. */
export interface EvaluateResult {
  /** Mean data loss (no penalties). */
  loss: number;
  accuracy?: number;
  macroF1?: number;
  /** `confusionMatrix[true][predicted]` counts. */
  confusionMatrix?: number[][];
  /** The Trainer's `metrics`, by metric name (present when it has some). */
  metrics?: Record<string, number>;
}
