import { defaultSections, escapeHtml, type ReportSection, renderHtmlReport } from '@overfit/report';
import type { Example, ExampleResult } from './types.js';

/**
 * The example's report: its claim and whether this run showed it, its key numbers, its own
 * charts, then the usual sections of @overfit/report for its training runs (comparison table,
 * learning curves, per-run diagnostics).
 */
export async function renderReport(
  example: Example,
  result: ExampleResult,
  meta: { quick: boolean; backend: string; seconds: number },
): Promise<string> {
  const sections: ReportSection[] = [
    {
      title: 'Claim',
      text: example.claim,
      tables: [
        {
          title: 'Checked on this run',
          table: {
            columns: ['claim', 'holds'],
            rows: result.checks.map((c) => [c.claim, c.holds ? 'yes' : 'NO']),
          },
        },
        {
          title: 'Key numbers',
          table: {
            columns: ['number', 'value'],
            rows: Object.entries(result.numbers).map(([k, v]) => [k, v]),
          },
        },
      ],
    },
  ];
  if (result.charts?.length) sections.push({ title: 'What to look at', charts: result.charts });
  if (result.runs?.length) sections.push(...defaultSections(result.runs));
  const html = await renderHtmlReport({
    title: `overfit example: ${example.name}`,
    subtitle: `seed ${example.seed}, ${meta.quick ? 'quick' : 'full'} setting, backend ${meta.backend}, ${meta.seconds.toFixed(1)} s`,
    runs: result.runs ?? [],
    sections,
    footer: `pnpm example ${example.name}${meta.quick ? ' --quick' : ''}`,
  });
  if (!result.html?.length) return html;
  // Blocks the chart package has no section type for (image galleries): appended as is.
  const extra = result.html
    .map((b) => `<section><h2>${escapeHtml(b.title)}</h2>${b.body}</section>`)
    .join('\n');
  return html.replace('<footer>', `${extra}\n<footer>`);
}
