import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { finalValMacroF1, formatRanking, type RankedGroup, type SweepResult } from './ranking.js';

/** A configuration that failed for good, with its error. */
export interface SweepFailure {
  id: string;
  name: string;
  error: string;
  attempts: number;
}

export interface SweepReport {
  sweepId: string;
  mode: 'local' | 'redis';
  /** True when the sweep was interrupted: some configurations are missing. */
  partial: boolean;
  total: number;
  results: SweepResult[];
  failures: SweepFailure[];
  ranking: RankedGroup[];
  wallSeconds: number;
}

/** Writes `file` through a temporary file and a rename, so no reader sees half of it. */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, text);
  await rename(temp, file);
}

function csv(rows: (string | number | null | undefined)[][]): string {
  const cell = (v: string | number | null | undefined) => {
    const text =
      v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))
        ? ''
        : String(v);
    return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return `${rows.map((row) => row.map(cell).join(',')).join('\n')}\n`;
}

/**
 * The sweep's report: metrics.json (every run's record, the failures, the ranking),
 * summary.csv (one row per run), ranking.csv (one row per configuration over seeds).
 * The one function to swap for the CLI's shared report writer.
 */
export async function writeSweepReport(dir: string, report: SweepReport): Promise<string[]> {
  const runs = report.results.map(({ run, record }) => ({
    id: run.id,
    groupId: run.groupId,
    ...record,
  }));
  const metrics = {
    sweepId: report.sweepId,
    mode: report.mode,
    partial: report.partial,
    total: report.total,
    wallSeconds: report.wallSeconds,
    runs,
    failures: report.failures,
    ranking: report.ranking,
  };
  const summary = [
    [
      'id',
      'name',
      'seed',
      'epochs',
      'final_val_macro_f1',
      'test_macro_f1',
      'test_accuracy',
      'train_seconds',
    ],
    ...report.results.map(({ run, record }) => [
      run.id,
      run.name,
      run.config.seed,
      record.epochs.length,
      finalValMacroF1(record),
      record.test?.macroF1,
      record.test?.accuracy,
      record.summary?.seconds,
    ]),
  ];
  const ranking = [
    [
      'rank',
      'configuration',
      'seeds',
      'val_macro_f1_mean',
      'val_macro_f1_std',
      'test_macro_f1_mean',
      'test_macro_f1_std',
      'ids',
    ],
    ...report.ranking.map((row) => [
      row.rank,
      row.name,
      row.seeds.length,
      row.valMacroF1.mean,
      row.valMacroF1.std,
      row.testMacroF1.mean,
      row.testMacroF1.std,
      row.configIds.join(' '),
    ]),
  ];
  const files = [
    join(dir, 'metrics.json'),
    join(dir, 'summary.csv'),
    join(dir, 'ranking.csv'),
    join(dir, 'ranking.txt'),
  ];
  await writeFileAtomic(files[0]!, `${JSON.stringify(metrics, null, 2)}\n`);
  await writeFileAtomic(files[1]!, csv(summary));
  await writeFileAtomic(files[2]!, csv(ranking));
  await writeFileAtomic(files[3]!, `${formatRanking(report.ranking).join('\n')}\n`);
  return files;
}
