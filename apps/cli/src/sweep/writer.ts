import { join } from 'node:path';
import { defaultSections, type ReportSection, renderHtmlReport } from '@overfit/report';
import { metricsJson, summaryCsv, writeFileAtomic } from '../output/index.js';
import { formatRanking, type RankedGroup, type SweepResult } from './ranking.js';

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
  /** What the report says it ran (backend, data, epochs). */
  subtitle: string;
}

function csv(rows: (string | number | null | undefined)[][]): string {
  const cell = (v: string | number | null | undefined) => {
    const text =
      v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))
        ? ''
        : String(v);
    return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return `${rows.map((row) => row.map(cell).join(',')).join('\n')}\n`;
}

const RANKING_COLUMNS = [
  'rank',
  'configuration',
  'seeds',
  'val_macro_f1_mean',
  'val_macro_f1_std',
  'test_macro_f1_mean',
  'test_macro_f1_std',
  'ids',
];

function rankingRows(ranking: readonly RankedGroup[]) {
  return ranking.map((row) => [
    row.rank,
    row.name,
    row.seeds.length,
    row.valMacroF1.mean,
    row.valMacroF1.std,
    row.testMacroF1.mean,
    row.testMacroF1.std,
    row.configIds.join(' '),
  ]);
}

/** The sweep's own sections of report.html: the ranking first, then the failures. */
function sweepSections(report: SweepReport): ReportSection[] {
  const finite = (v: number | null) => (v === null || !Number.isFinite(v) ? null : v);
  const sections: ReportSection[] = [
    {
      title: 'Ranking',
      text:
        'Configurations ranked by the validation macro-F1 of their last epoch, mean and sample ' +
        'standard deviation over seeds (n - 1; none for one seed). A difference smaller than the ' +
        'standard deviations is not a difference.',
      tables: [
        {
          title: `${report.ranking.length} configurations, ${report.results.length} runs`,
          table: {
            columns: RANKING_COLUMNS,
            rows: rankingRows(report.ranking).map((row) =>
              row.map((cell) => (typeof cell === 'number' ? finite(cell) : (cell ?? null))),
            ),
          },
        },
      ],
    },
  ];
  if (report.failures.length > 0)
    sections.push({
      title: 'Failed configurations',
      tables: [
        {
          title: 'Failed for good (not in the ranking)',
          table: {
            columns: ['configuration', 'id', 'attempts', 'error'],
            rows: report.failures.map((f) => [f.name, f.id, f.attempts, f.error]),
          },
        },
      ],
    });
  return sections;
}

/**
 * The sweep's report in `dir` (which exists): metrics.json (the CLI's schema: `{ title, ...,
 * partial, runs }` plus the sweep's id, failures and ranking; each run with its config id),
 * summary.csv (one row per run, as `overfit compare`), ranking.csv and ranking.txt (one row per
 * configuration over seeds) and report.html (the ranking, the failures, then
 * `@overfit/report`'s comparison, curves and per-run sections). Each file is written atomically.
 */
export async function writeSweepReport(dir: string, report: SweepReport): Promise<string[]> {
  const runs = report.results.map(({ run, record }) => ({
    ...record,
    id: run.id,
    groupId: run.groupId,
  }));
  const title = `overfit sweep ${report.sweepId}`;
  const metrics = metricsJson({
    title,
    subtitle: report.subtitle,
    runs,
    partial: report.partial,
    meta: {
      command: 'sweep',
      sweepId: report.sweepId,
      mode: report.mode,
      total: report.total,
      wallSeconds: report.wallSeconds,
      failures: report.failures,
      ranking: report.ranking,
    },
  });
  const partial = report.partial
    ? `PARTIAL REPORT: ${report.total - report.results.length - report.failures.length} of ${report.total} configurations did not run. `
    : '';
  const html = await renderHtmlReport({
    title,
    subtitle: `${partial}${report.subtitle}`,
    runs,
    sections: [...sweepSections(report), ...defaultSections(runs)],
    footer: `written by overfit on ${new Date().toISOString()}; the numbers are also in metrics.json, summary.csv and ranking.csv`,
  });
  const files = ['report.html', 'metrics.json', 'summary.csv', 'ranking.csv', 'ranking.txt'].map(
    (name) => join(dir, name),
  );
  const texts = [
    html,
    metrics,
    summaryCsv(runs),
    csv([RANKING_COLUMNS, ...rankingRows(report.ranking)]),
    `${formatRanking(report.ranking).join('\n')}\n`,
  ];
  for (const [i, file] of files.entries()) await writeFileAtomic(file, texts[i]!);
  return files;
}
