import { join } from 'node:path';
import { renderHtmlReport } from '@overfit/report';
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
  html: string;
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
  const html = join(dir, 'report.html');
  await writeFileAtomic(html, await reportHtml(report));
  return { metrics, summary, html };
}

/** report.html: @overfit/report's self-contained page, a partial report marked as such. */
export function reportHtml(report: RunsReport): Promise<string> {
  const unfinished = report.runs
    .filter((r) => r.partial)
    .map((r) => `${r.name}: ${r.stopReason ?? 'unfinished'}`);
  const partial = report.partial
    ? `PARTIAL REPORT${unfinished.length > 0 ? ` (${unfinished.join('; ')})` : ' (not every configuration ran)'}. `
    : '';
  return renderHtmlReport({
    title: report.title,
    subtitle: `${partial}${report.subtitle ?? ''}`,
    runs: report.runs,
    footer: `written by overfit on ${new Date().toISOString()}; the numbers are also in metrics.json and summary.csv`,
  });
}
