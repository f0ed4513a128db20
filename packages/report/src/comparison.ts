import { generalizationGap, trainDataLoss } from './charts/curves.js';
import { finiteOrNull } from './format.js';
import { checkRun, checkRuns } from './runs.js';
import type { DataTable, RunEpoch, RunRecord } from './types.js';

/** The scalar summaries of one run that the comparison table shows. */
export interface RunSummary {
  trainMacroF1: number | null;
  valMacroF1: number | null;
  testMacroF1: number | null;
  /** Train minus validation macro-F1 at the last epoch. */
  gap: number | null;
  testAccuracy: number | null;
  trainLoss: number | null;
  valLoss: number | null;
  /** Fraction of |w| < 1e-3 in the first layer's kernel. */
  sparsity: number | null;
  /** `sqrt(sum ||W||^2)` over the kernels (biases left out). */
  weightNorm: number | null;
  /** Gradient norm of the input-side layer (last epoch's mean). */
  firstGradNorm: number | null;
  /** Gradient norm of the output-side layer (last epoch's mean). */
  lastGradNorm: number | null;
  epochs: number;
}

function kernelNorm(norms: Record<string, number> | undefined): number | null {
  if (!norms) return null;
  const entries = Object.entries(norms);
  const kernels = entries.filter(([k]) => /kernel$/.test(k));
  const chosen = kernels.length > 0 ? kernels : entries;
  if (chosen.length === 0) return null;
  return finiteOrNull(Math.sqrt(chosen.reduce((s, [, v]) => s + v * v, 0)));
}

/** The last epoch that has `pick`, so a diagnostics-free last epoch does not blank a column. */
function lastWith<T>(epochs: readonly RunEpoch[], pick: (e: RunEpoch) => T | undefined) {
  for (let i = epochs.length - 1; i >= 0; i--) {
    const v = pick(epochs[i] as RunEpoch);
    if (v !== undefined) return v;
  }
  return undefined;
}

/**
 * Scalar summaries of a run from its last epoch; `run.summary` overrides any of them (a
 * non-finite override reads as missing, `null`). Missing, NaN and `null` (JSON's NaN) values
 * give `null`.
 */
export function summarizeRun(run: RunRecord): RunSummary {
  checkRun('run', run);
  const last = run.epochs.at(-1);
  const perLayer = lastWith(run.epochs, (e) => e.diagnostics?.gradientNorms?.perLayer);
  const layerNames = Object.keys(perLayer ?? {});
  const sparsity = lastWith(run.epochs, (e) => e.diagnostics?.sparsity);
  const firstSparsity = sparsity ? Object.values(sparsity)[0] : undefined;
  const derived: RunSummary = {
    trainMacroF1: finiteOrNull(last?.macroF1),
    valMacroF1: finiteOrNull(last?.valMacroF1),
    testMacroF1: finiteOrNull(run.test?.macroF1),
    gap: last ? finiteOrNull(generalizationGap(last)) : null,
    testAccuracy: finiteOrNull(run.test?.accuracy),
    trainLoss: last ? finiteOrNull(trainDataLoss(last)) : null,
    valLoss: finiteOrNull(last?.valLoss),
    sparsity: finiteOrNull(firstSparsity),
    weightNorm: kernelNorm(lastWith(run.epochs, (e) => e.diagnostics?.weightNorms)),
    firstGradNorm: finiteOrNull(perLayer?.[layerNames[0] ?? '']?.mean),
    lastGradNorm: finiteOrNull(perLayer?.[layerNames.at(-1) ?? '']?.mean),
    epochs: run.epochs.length,
  };
  // A non-finite override is a missing value (null), as everywhere else in the summary.
  const overrides = Object.fromEntries(
    Object.entries(run.summary ?? {})
      .filter(([k]) => k in derived)
      .map(([k, v]) => [k, finiteOrNull(v)] as const)
      .filter(([k, v]) => k !== 'epochs' || v !== null),
  ) as Partial<RunSummary>;
  return { ...derived, ...overrides };
}

const COLUMNS: [keyof RunSummary, string][] = [
  ['trainMacroF1', 'train macro-F1'],
  ['valMacroF1', 'val macro-F1'],
  ['testMacroF1', 'test macro-F1'],
  ['gap', 'gap (train − val F1)'],
  ['testAccuracy', 'test accuracy'],
  ['valLoss', 'val loss'],
  ['sparsity', 'first-layer sparsity'],
  ['weightNorm', 'weight norm'],
  ['firstGradNorm', 'first-layer grad norm'],
  ['lastGradNorm', 'last-layer grad norm'],
  ['epochs', 'epochs'],
];

/**
 * One row per run: train / validation / test macro-F1, the gap, test accuracy, validation loss,
 * first-layer sparsity, weight norm, first / last layer gradient norm and the epochs run.
 * Columns no run has a value for are left out. Runs marked `partial` say so after their name.
 */
export function comparisonTable(runs: readonly RunRecord[]): DataTable {
  checkRuns('runs', runs);
  const summaries = runs.map(summarizeRun);
  const kept = COLUMNS.filter(([key]) => summaries.some((s) => s[key] !== null));
  return {
    columns: ['run', ...kept.map(([, label]) => label)],
    rows: runs.map((run, i) => [
      run.partial ? `${run.name} (partial)` : run.name,
      ...kept.map(([key]) => (summaries[i] as RunSummary)[key]),
    ]),
  };
}
