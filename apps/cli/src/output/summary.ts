import type { RunRecord } from './types.js';

/** Columns of summary.csv (and of the printed comparison table), in order. */
export const SUMMARY_COLUMNS = [
  'name',
  'status',
  'epochs',
  'test_macro_f1',
  'test_accuracy',
  'test_loss',
  'train_data_loss',
  'penalty',
  'val_loss',
  'train_macro_f1',
  'val_macro_f1',
  'gap_loss',
  'gap_macro_f1',
  'sparsity',
  'weight_norm',
  'seconds',
] as const;

export type SummaryRow = Record<(typeof SUMMARY_COLUMNS)[number], string | number | null>;

const finite = (v: number | undefined): number | null =>
  v === undefined || !Number.isFinite(v) ? null : v;

/**
 * One row per run from its last epoch and test scores. The generalization gap is
 * `val_loss - train_data_loss` (both without penalties) and `train_macro_f1 - val_macro_f1`.
 */
export function summaryRows(runs: readonly RunRecord[]): SummaryRow[] {
  return runs.map((run) => {
    const last = run.epochs.at(-1);
    const dataLoss = finite(last?.dataLoss ?? last?.loss);
    const valLoss = finite(last?.valLoss);
    const trainF1 = finite(last?.macroF1);
    const valF1 = finite(last?.valMacroF1);
    const seconds = run.epochs.reduce((s, e) => s + (e.seconds ?? 0), 0);
    return {
      name: run.name,
      status: run.partial ? `partial: ${run.stopReason ?? 'unfinished'}` : 'complete',
      epochs: run.epochs.length,
      test_macro_f1: finite(run.test?.macroF1),
      test_accuracy: finite(run.test?.accuracy),
      test_loss: finite(run.test?.loss),
      train_data_loss: dataLoss,
      penalty: finite(last?.penalty),
      val_loss: valLoss,
      train_macro_f1: trainF1,
      val_macro_f1: valF1,
      gap_loss: valLoss !== null && dataLoss !== null ? valLoss - dataLoss : null,
      gap_macro_f1: trainF1 !== null && valF1 !== null ? trainF1 - valF1 : null,
      sparsity: finite(run.summary?.sparsity),
      weight_norm: finite(run.summary?.weightNorm),
      seconds: Number(seconds.toFixed(3)),
    };
  });
}

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** summary.csv: a header and one line per run (RFC 4180 quoting; empty cell = no value). */
export function summaryCsv(runs: readonly RunRecord[]): string {
  const lines = [SUMMARY_COLUMNS.join(',')];
  for (const row of summaryRows(runs))
    lines.push(SUMMARY_COLUMNS.map((c) => csvCell(row[c])).join(','));
  return `${lines.join('\n')}\n`;
}

/** The comparison as a fixed-width text table, for the terminal. */
export function summaryTable(
  runs: readonly RunRecord[],
  columns: readonly (typeof SUMMARY_COLUMNS)[number][] = [
    'name',
    'epochs',
    'test_macro_f1',
    'test_accuracy',
    'gap_loss',
    'gap_macro_f1',
    'sparsity',
    'weight_norm',
  ],
): string {
  const rows = summaryRows(runs).map((row) =>
    columns.map((c) => {
      const v = row[c];
      if (v === null) return '-';
      if (typeof v === 'number' && !Number.isInteger(v)) return v.toFixed(4);
      return String(v);
    }),
  );
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ');
  return [line(columns), ...rows.map(line)].join('\n');
}
