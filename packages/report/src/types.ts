/**
 * The plain JSON the charts read. Structural on purpose: the Trainer's `EpochLog`, the CLI's
 * `metrics.json` and the lab's worker messages all fit without depending on `@overfit/training`.
 */

/** `{ mean, max, last }` of a per-step statistic over one epoch (the Trainer's `NormStats`). */
export interface StepStats {
  mean: number;
  max: number;
  last: number;
}

/** A box-plot summary (`@overfit/metrics`' `DistributionSummary`; only these fields are read). */
export interface BoxSummary {
  q1: number;
  median: number;
  q3: number;
  whiskerLow: number;
  whiskerHigh: number;
  min?: number;
  max?: number;
  mean?: number;
  /** Values beyond the whiskers (possibly a sample of them). */
  outliers?: number[];
  outlierCount?: number;
  count?: number;
}

/** `np.histogram` output: `counts.length + 1` ascending edges. */
export interface HistogramData {
  edges: number[];
  counts: number[];
}

/** The part of the Trainer's `EpochDiagnostics` the charts read. */
export interface RunDiagnostics {
  gradientNorms?: { global?: StepStats; perLayer?: Record<string, StepStats> };
  activations?: Record<string, BoxSummary>;
  gradients?: Record<string, BoxSummary>;
  weightNorms?: Record<string, number>;
  sparsity?: Record<string, number>;
}

/**
 * One epoch of one run. `epoch` is 1-based (as printed). `loss` is the training objective
 * (data loss + penalties); `dataLoss` and `penalty` are its parts; `macroF1` / `accuracy` are on
 * the training batches, `val*` on the validation data (which never includes a penalty).
 */
export interface RunEpoch {
  epoch: number;
  loss?: number;
  dataLoss?: number;
  penalty?: number;
  accuracy?: number;
  macroF1?: number;
  valLoss?: number;
  valAccuracy?: number;
  valMacroF1?: number;
  seconds?: number;
  diagnostics?: RunDiagnostics;
}

/** Test-set results of a run. `confusionMatrix[true][predicted]`. */
export interface RunTest {
  macroF1?: number;
  accuracy?: number;
  loss?: number;
  confusionMatrix?: number[][];
  /** `classificationReport(...)` of `@overfit/metrics`, or any `{ rows: [...] }`-like JSON. */
  classificationReport?: unknown;
}

/** One training run: what every chart, table and report is built from. */
export interface RunRecord {
  name: string;
  config?: unknown;
  epochs: RunEpoch[];
  /** True when the run was interrupted (its epochs are the finished ones). */
  partial?: boolean;
  stopReason?: string;
  test?: RunTest;
  /** Histogram of a kernel's weights at the end of training (the first layer's by default). */
  weightHistogram?: HistogramData;
  /**
   * Scalar summaries that override what {@link comparisonTable} derives from the last epoch:
   * `sparsity`, `weightNorm`, `firstGradNorm`, `lastGradNorm`, or any other number.
   */
  summary?: Record<string, number>;
}

/** A cell of a data table. `null` is a missing value. */
export type Cell = string | number | null;

/** The numbers behind a chart (or a table on its own), for screen readers and export. */
export interface DataTable {
  columns: string[];
  rows: Cell[][];
}

/**
 * A chart: a Vega-Lite spec, its title, a caption saying what to look for, and the data table
 * behind it. Any Vega-Lite spec can be wrapped in one and rendered with `renderSvg`.
 */
export interface Chart {
  id: string;
  title: string;
  caption: string;
  // biome-ignore lint/suspicious/noExplicitAny: Vega-Lite's TopLevelSpec is a deep union; specs are plain JSON
  spec: Record<string, any>;
  table: DataTable;
}
