import { join } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { summaryCsv } from './summary.js';
import type { RunRecord } from './types.js';

/** What {@link writeRunsReport} writes. */
export interface RunsReport {
  /** Title of report.html (and `title` in metrics.json). */
  title: string;
  subtitle?: string;
  runs: RunRecord[];
  /** True when the report was written before every run finished (interrupt, non-finite stop). */
  partial: boolean;
  /** Extra top-level fields of metrics.json (backend, dataset, command, ...). */
  meta?: Record<string, unknown>;
}

/** Paths of the files written. */
export interface WrittenReport {
  metrics: string;
  summary: string;
  html: string | undefined;
}

/**
 * The schema of metrics.json: `{ title, ...meta, partial, runs: [{ name, config, epochs,
 * test, ... }] }`.
 */
export function metricsJson(report: RunsReport): string {
  const { title, meta = {}, partial, runs } = report;
  return `${JSON.stringify({ title, ...meta, partial, runs }, jsonNumbers, 2)}\n`;
}

/** JSON has no NaN / Infinity: they become null rather than breaking the file. */
function jsonNumbers(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

/**
 * Writes `dir/metrics.json`, `dir/summary.csv` and `dir/report.html`, each atomically (an
 * older report stays whole if a write fails). `dir` must exist: see `prepareReportDir`.
 *
 * @throws {FileWriteError} one line naming the file and the cause
 */
export async function writeRunsReport(dir: string, report: RunsReport): Promise<WrittenReport> {
  const metrics = join(dir, 'metrics.json');
  const summary = join(dir, 'summary.csv');
  await writeFileAtomic(metrics, metricsJson(report));
  await writeFileAtomic(summary, summaryCsv(report.runs));
  // TODO(issue 10): report.html from @overfit/report's renderHtmlReport once it is on main.
  return { metrics, summary, html: undefined };
}
