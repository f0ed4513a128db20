export {
  applyConstraint,
  ConstraintEnforcer,
  type ConstraintOptions,
  enforceConstraints,
  MaxNorm,
  MinMaxNorm,
  maxNorm,
  minMaxNorm,
  NonNeg,
  type NormAxis,
  nonNeg,
  UnitNorm,
  unitNorm,
} from './constraints.js';
export {
  labelSmoothingLoss,
  type SmoothedCrossEntropyOptions,
  smoothedCrossEntropy,
  smoothLabels,
  softmaxCrossEntropyWithSmoothing,
} from './label-smoothing.js';
export * from './layers/index.js';
export {
  isStochasticLayer,
  type McDropoutOptions,
  type McDropoutPrediction,
  mcDropoutPredict,
  normalQuantile,
} from './mc-dropout.js';
export {
  type AdamWOptions,
  adamw,
  TorchAdam,
  type TorchAdamOptions,
  torchAdam,
} from './optimizers/adamw.js';
export {
  DecoupledWeightDecay,
  type DecoupledWeightDecayOptions,
  decoupledWeightDecay,
  isExcludedByDefault,
  type NamedTensor,
  type SgdwOptions,
  sgdw,
  type VariableFilter,
} from './optimizers/weight-decay.js';
export { L1L2, type L1L2Args, l1, l1l2, l2, type PenaltyOptions } from './penalties.js';
