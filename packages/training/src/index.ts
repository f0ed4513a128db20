export { type ClassWeightOption, classWeightedLoss } from './class-weights.js';
export type { ClipOptions, DiagnosticsOptions } from './diagnostics/options.js';
export type { EpochDiagnostics, GradientStep, NormStats } from './diagnostics/types.js';
export {
  categoricalCrossEntropy,
  categoricalCrossEntropyPerSample,
  meanSquaredError,
  meanSquaredErrorPerSample,
  type PerSampleLossFn,
  resolveLoss,
  softmaxCrossEntropy,
  softmaxCrossEntropyPerSample,
  softmaxMeanSquaredError,
  softmaxMeanSquaredErrorPerSample,
} from './losses.js';
export type { TrainerArgs } from './options.js';
export { Trainer } from './trainer.js';
export type {
  EpochLog,
  EvaluateResult,
  FitData,
  FitOptions,
  History,
  LossFn,
  LossHook,
  LossHookContext,
  LossName,
  MeanLossFn,
  Progress,
  StopReason,
} from './types.js';
export type { UnfreezeStep } from './unfreezing.js';
