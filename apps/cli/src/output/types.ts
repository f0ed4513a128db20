// The schema @overfit/report renders (RunRecord / RunEpoch). Kept here until that package is
// on main; then these become re-exports of its types, with the same shape.

/** Box-plot summary of a tensor's values (`distributionSummary` of @overfit/metrics). */
export type DistributionSummary = Record<string, unknown>;

/** One epoch of a run (1-based `epoch`); every number is optional. */
export interface RunEpoch {
  epoch: number;
  /** Total objective: data loss + penalty. */
  loss?: number;
  dataLoss?: number;
  penalty?: number;
  accuracy?: number;
  /** Train macro-F1. */
  macroF1?: number;
  valLoss?: number;
  valAccuracy?: number;
  valMacroF1?: number;
  seconds?: number;
  samplesPerSecond?: number;
  /** The Trainer's `EpochLog.diagnostics`, as is. */
  diagnostics?: unknown;
}

/** One configuration's run: what the report, metrics.json and summary.csv are made of. */
export interface RunRecord {
  name: string;
  config?: unknown;
  epochs: RunEpoch[];
  /** True when the run did not finish (interrupted, or stopped on a non-finite value). */
  partial?: boolean;
  /** Why it ended early (`interrupted (SIGINT)`, `loss is not finite at step 12`, early stopping). */
  stopReason?: string;
  test?: {
    macroF1?: number;
    accuracy?: number;
    loss?: number;
    confusionMatrix?: number[][];
    classificationReport?: unknown;
  };
  /** First-layer kernel at the end of training. */
  weightHistogram?: { edges: number[]; counts: number[] };
  /** sparsity, weightNorm, firstGradNorm, lastGradNorm, ... */
  summary?: Record<string, number>;
}
