import type { RunEpoch as ReportRunEpoch, RunRecord as ReportRunRecord } from '@overfit/report';

/** One epoch of a run as @overfit/report reads it, plus the throughput the CLI prints. */
export interface RunEpoch extends ReportRunEpoch {
  samplesPerSecond?: number;
}

/**
 * One configuration's run: what report.html, metrics.json and summary.csv are made of
 * (@overfit/report's RunRecord). At the end of training, `summary.sparsity` is the fraction of
 * |w| < 1e-3 in the first layer's kernel, `summary.kernelSparsity` over every kernel and
 * `summary.weightNorm` the joint L2 norm of the kernels.
 */
export interface RunRecord extends ReportRunRecord {
  epochs: RunEpoch[];
}
