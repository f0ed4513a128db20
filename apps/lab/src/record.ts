/**
 * The Trainer's per-epoch logs as the RunRecord / RunEpoch shape of @overfit/report (plain
 * JSON), and the few numbers the comparison table needs. Pure: unit-tested in Node.
 */
import type { RunRecord as ReportRunRecord, RunDiagnostics, RunEpoch } from '@overfit/report';

export type { RunEpoch };

/** A run as @overfit/report reads it, plus the lab's MC-dropout predictions. */
export interface RunRecord extends ReportRunRecord {
  /** MC-dropout predictions for a few test digits (runs with a dropout-family layer). */
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
  if (log.penalty !== undefined) out.penalty = log.penalty;
  out.dataLoss = log.loss - (log.penalty ?? 0);
  if (log.accuracy !== undefined) out.accuracy = log.accuracy;
  if (trainMacroF1 !== undefined) out.macroF1 = trainMacroF1;
  if (log.valLoss !== undefined) out.valLoss = log.valLoss;
  if (log.valAccuracy !== undefined) out.valAccuracy = log.valAccuracy;
  if (log.valMacroF1 !== undefined) out.valMacroF1 = log.valMacroF1;
  if (log.durationMs !== undefined) out.seconds = log.durationMs / 1000;
  if (log.diagnostics !== undefined) out.diagnostics = log.diagnostics as RunDiagnostics;
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
