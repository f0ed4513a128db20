export {
  ConfusionMatrix,
  type ConfusionMatrixOptions,
  confusionMatrix,
  type Normalize,
} from './classification/confusion.js';
export {
  type AccuracyOptions,
  accuracyScore,
  type FBetaOptions,
  f1Score,
  fbetaScore,
  precisionScore,
  recallScore,
  type ScoreOptions,
} from './classification/functions.js';
export type { ClassInput } from './classification/inputs.js';
export type {
  Average,
  AverageResult,
  ScoreLabels,
  ZeroDivision,
} from './classification/options.js';
export {
  type ClassificationReportConfig,
  type ClassificationReportOptions,
  type ClassificationReportResult,
  classificationReport,
  formatClassificationReport,
  type ReportRow,
} from './classification/report.js';
export {
  type AveragedScores,
  type ClassificationScores,
  type ScoresOptions,
  scoresFromConfusion,
} from './classification/scores.js';
export {
  Accuracy,
  ClassificationReport,
  ConfusionMetric,
  F1Score,
  FBetaScore,
  Precision,
  Recall,
  type ScoreConfig,
} from './classification/streaming.js';
export { deadFraction, nonFiniteCount, sparsity } from './stats/activity.js';
export {
  type DistributionOptions,
  type DistributionSummary,
  distributionSummary,
} from './stats/distribution.js';
export {
  DEFAULT_HEALTH_THRESHOLDS,
  type HealthFlags,
  type HealthOptions,
  type HealthThresholds,
  healthFlags,
  type LayerHealth,
} from './stats/health.js';
export { globalNorm, l2Norms } from './stats/norms.js';
