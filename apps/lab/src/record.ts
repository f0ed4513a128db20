/**
 * The Trainer's per-epoch logs as the RunRecord / RunEpoch shape of @overfit/report (plain
 * JSON), and the few numbers the comparison table needs. Pure: unit-tested in Node.
 */
import type { DistributionSummary, HealthFlags } from '@overfit/metrics';

export interface StepStats {
  mean: number;
  max: number;
  last: number;
}

export interface RunDiagnostics {
  gradientNorms?: { global?: StepStats; perLayer: Record<string, StepStats> };
  activations?: Record<string, DistributionSummary>;
  gradients?: Record<string, DistributionSummary>;
  weightNorms?: Record<string, number>;
  sparsity?: Record<string, number>;
  health?: HealthFlags;
}

/** One epoch (1-based), as @overfit/report's RunEpoch. */
export interface RunEpoch {
  epoch: number;
  /** Total objective: data loss + penalties. */
  loss?: number;
  dataLoss?: number;
  penalty?: number;
  accuracy?: number;
  /** Train macro-F1 (inference mode, un-augmented training split). */
  macroF1?: number;
  valLoss?: number;
  valAccuracy?: number;
  valMacroF1?: number;
  seconds?: number;
  diagnostics?: RunDiagnostics;
}

export interface TestResult {
  macroF1?: number;
  accuracy?: number;
  loss?: number;
  confusionMatrix?: number[][];
  classificationReport?: unknown;
}

/** One run, as @overfit/report's RunRecord. */
export interface RunRecord {
  name: string;
  config?: unknown;
  epochs: RunEpoch[];
  partial?: boolean;
  stopReason?: string;
  test?: TestResult;
  weightHistogram?: { edges: number[]; counts: number[] };
  summary?: Record<string, number>;
  /** MC-dropout predictions for a few test digits (lab only; see mcDropout in the worker). */
  mcDropout?: McDropoutDigit[];
}

export interface McDropoutDigit {
  label: number;
  pixels: number[];
  mean: number[];
  lower: number[];
  upper: number[];
}

/** The part of the Trainer's EpochLog this module reads (0-based `epoch`). */
export interface EpochLogLike {
  epoch: number;
  loss: number;
  penalty?: number;
  accuracy?: number;
  valLoss?: number;
  valAccuracy?: number;
  valMacroF1?: number;
  durationMs?: number;
  diagnostics?: RunDiagnostics | object;
}

/**
 * EpochLog → RunEpoch: 1-based epoch, `dataLoss = loss - penalty` (the Trainer's `loss` is
 * the whole objective), seconds, and the train macro-F1 measured separately.
 */
export function toRunEpoch(log: EpochLogLike, trainMacroF1?: number): RunEpoch {
  const out: RunEpoch = { epoch: log.epoch + 1, loss: log.loss };
  out.penalty = log.penalty ?? 0;
  out.dataLoss = log.loss - out.penalty;
  if (log.accuracy !== undefined) out.accuracy = log.accuracy;
  if (trainMacroF1 !== undefined) out.macroF1 = trainMacroF1;
  if (log.valLoss !== undefined) out.valLoss = log.valLoss;
  if (log.valAccuracy !== undefined) out.valAccuracy = log.valAccuracy;
  if (log.valMacroF1 !== undefined) out.valMacroF1 = log.valMacroF1;
  if (log.durationMs !== undefined) out.seconds = log.durationMs / 1000;
  if (log.diagnostics !== undefined) out.diagnostics = log.diagnostics as RunDiagnostics;
  return out;
}

/** Kernel parameter names (`hidden_1/kernel`) in model order. */
function kernelKeys(record: Record<string, number> | undefined): string[] {
  return Object.keys(record ?? {}).filter((k) => k.endsWith('/kernel'));
}

/**
 * The comparison table's numbers from the last epoch: first-layer sparsity (fraction of
 * |w| < 1e-3), global L2 norm of all kernels, and the first and last layer's gradient norm
 * (`last` step of the epoch). Missing numbers are left out.
 */
export function summarize(epochs: readonly RunEpoch[]): Record<string, number> {
  const d = epochs[epochs.length - 1]?.diagnostics;
  const out: Record<string, number> = {};
  const sparsityKeys = kernelKeys(d?.sparsity);
  if (sparsityKeys.length > 0) out.sparsity = d!.sparsity![sparsityKeys[0]!]!;
  const normKeys = kernelKeys(d?.weightNorms);
  if (normKeys.length > 0)
    out.weightNorm = Math.sqrt(normKeys.reduce((s, k) => s + d!.weightNorms![k]! ** 2, 0));
  const layers = Object.keys(d?.gradientNorms?.perLayer ?? {});
  if (layers.length > 0) {
    out.firstGradNorm = d!.gradientNorms!.perLayer[layers[0]!]!.last;
    out.lastGradNorm = d!.gradientNorms!.perLayer[layers[layers.length - 1]!]!.last;
  }
  const last = epochs[epochs.length - 1];
  if (last?.macroF1 !== undefined && last.valMacroF1 !== undefined)
    out.gap = last.macroF1 - last.valMacroF1;
  return out;
}

/**
 * Histogram of `values` on `bins` equal bins over [min, max] (a constant input gets one
 * bin of width 1 around it). `edges` has `bins + 1` entries.
 */
export function histogram(
  values: ArrayLike<number>,
  bins = 40,
): { edges: number[]; counts: number[] } {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo)) return { edges: [], counts: [] };
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
    bins = 1;
  }
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * width);
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    counts[Math.min(bins - 1, Math.floor((v - lo) / width))]!++;
  }
  return { edges, counts };
}
