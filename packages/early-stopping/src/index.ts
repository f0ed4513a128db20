export {
  BestWeightsKeeper,
  type BestWeightsKeeperArgs,
  type BestWeightsKeeperConfig,
} from './best-weights.js';
export {
  ModelCheckpoint,
  type ModelCheckpointArgs,
  type ModelCheckpointConfig,
  type SavedCheckpoint,
} from './checkpoint.js';
export {
  type CheckpointHandlerFactory,
  type LoadCheckpointOptions,
  loadCheckpointWeights,
  routedSaveHandler,
  weightArtifacts,
} from './checkpoint-io.js';
export { formatTemplate, type TemplateField, templateFields } from './checkpoint-path.js';
export {
  EarlyStopping,
  type EarlyStoppingArgs,
  type EarlyStoppingConfig,
  type EarlyStoppingReason,
  type EarlyStoppingResult,
} from './early-stopping.js';
export { getLearningRate, setLearningRate } from './learning-rate.js';
export {
  alternateSpelling,
  type EpochLogs,
  findLogKey,
  type LogValue,
  MissingMonitorError,
} from './logs.js';
export {
  isImprovement,
  MAXIMIZED_METRICS,
  MINIMIZED_METRICS,
  type MonitorArgs,
  MonitorCallback,
  type MonitorMode,
  resolveMode,
} from './monitor.js';
export {
  type LearningRateReduction,
  ReduceLROnPlateau,
  type ReduceLROnPlateauArgs,
  type ReduceLROnPlateauConfig,
} from './reduce-lr.js';
export {
  CosineDecay,
  type CosineDecayArgs,
  ExponentialDecay,
  type ExponentialDecayArgs,
  type LearningRateSchedule,
  LearningRateScheduler,
  type LearningRateSchedulerArgs,
  OneCycle,
  type OneCycleArgs,
  StepDecay,
  type StepDecayArgs,
} from './schedules.js';
