import { confusionMatrixChart } from './charts/confusion-matrix.js';
import { accuracyChart, f1Chart, gapChart, lossChart, penaltyChart } from './charts/curves.js';
import { distributionChart, distributionLayers } from './charts/distribution.js';
import { gradientNormChart } from './charts/gradient-norms.js';
import { histogramChart } from './charts/histogram.js';
import { classificationTable } from './classification.js';
import { comparisonTable } from './comparison.js';
import { distinctNames, escapeHtml, formatCell } from './format.js';
import { renderSvg } from './render.js';
import { checkRun, checkRuns } from './runs.js';
import type { Chart, DataTable, RunRecord } from './types.js';

/** A titled table in a report section. */
export interface ReportTable {
  title: string;
  table: DataTable;
}

/** One section of a report: a heading, optional paragraph, charts and tables. */
export interface ReportSection {
  title: string;
  /** Plain text (escaped), shown under the heading. */
  text?: string;
  charts?: Chart[];
  tables?: ReportTable[];
  /** Collapsed `<details>` blocks (e.g. a run's configuration as JSON): plain text, escaped. */
  details?: { summary: string; text: string }[];
}

export interface HtmlReportOptions {
  title: string;
  subtitle?: string;
  runs: readonly RunRecord[];
  /** Sections to render; default {@link defaultSections}(runs). */
  sections?: readonly ReportSection[];
  /** A line at the bottom (e.g. the command and the date); plain text. */
  footer?: string;
}

/** A data table as HTML (numbers right-aligned, 4 significant digits, "–" for missing). */
export function renderTableHtml(table: DataTable, caption?: string): string {
  const head = table.columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('');
  const body = table.rows
    .map(
      (row) =>
        `<tr>${row
          .map((cell, i) =>
            i === 0
              ? `<th scope="row">${escapeHtml(formatCell(cell))}</th>`
              : `<td${typeof cell === 'number' ? ' class="num"' : ''}>${escapeHtml(formatCell(cell))}</td>`,
          )
          .join('')}</tr>`,
    )
    .join('\n');
  const cap = caption ? `<caption>${escapeHtml(caption)}</caption>` : '';
  return `<table>${cap}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/**
 * A chart as an HTML `<figure>`: the inline SVG, the caption saying what to look for, and the
 * data table behind it in a collapsed `<details>` (read by screen readers, copyable).
 */
export async function renderChartHtml(chart: Chart): Promise<string> {
  const svg = await renderSvg(chart);
  return [
    `<figure class="chart" id="${escapeHtml(chart.id)}">`,
    svg,
    `<figcaption>${escapeHtml(chart.caption)}</figcaption>`,
    `<details><summary>Data: ${escapeHtml(chart.title)}</summary>${renderTableHtml(chart.table)}</details>`,
    '</figure>',
  ].join('\n');
}

/**
 * The report's usual sections: the comparison table; overlaid learning curves (data loss,
 * penalty, macro-F1, gap, accuracy); then per run its gradient norms, activation and gradient
 * box plots per layer, weight histogram, confusion matrix, classification report and config.
 * Charts without data are left out. Runs sharing a name are told apart as `name (2)`, ... (so
 * every chart id is unique).
 */
export function defaultSections(given: readonly RunRecord[]): ReportSection[] {
  checkRuns('runs', given);
  // Runs with the same name get ` (2)`, ... in every table, chart and id, as in the legends.
  const names = distinctNames(given.map((r) => r.name));
  const runs = given.map((r, i) => (r.name === names[i] ? r : { ...r, name: names[i] as string }));
  const has = (pick: (r: RunRecord) => unknown) => runs.some(pick);
  const curves: Chart[] = [lossChart(runs)];
  const penalty = penaltyChart(runs);
  if (penalty) curves.push(penalty);
  if (has((r) => r.epochs.some((e) => e.macroF1 !== undefined || e.valMacroF1 !== undefined)))
    curves.push(f1Chart(runs));
  if (has((r) => r.epochs.some((e) => e.macroF1 !== undefined && e.valMacroF1 !== undefined)))
    curves.push(gapChart(runs));
  if (has((r) => r.epochs.some((e) => e.accuracy !== undefined || e.valAccuracy !== undefined)))
    curves.push(accuracyChart(runs));
  const sections: ReportSection[] = [
    {
      title: 'Comparison',
      tables: [{ title: 'Final epoch and test set', table: comparisonTable(runs) }],
    },
    { title: 'Learning curves', charts: curves },
  ];
  if (runs.length > 1) {
    const histograms = runs.filter((r) => r.weightHistogram);
    if (histograms.length > 1)
      sections.push({
        title: 'Weights',
        charts: [
          histogramChart(
            histograms.map((r) => ({ name: r.name, ...r.weightHistogram! })),
            { title: 'First-layer weight histograms', logCount: true },
          ),
        ],
      });
  }
  for (const run of runs) sections.push(runSection(run));
  return sections;
}

/** One run's diagnostics, test results and configuration. */
export function runSection(run: RunRecord): ReportSection {
  checkRun('run', run);
  const charts: Chart[] = [];
  if (run.epochs.some((e) => e.diagnostics?.gradientNorms?.perLayer))
    charts.push(gradientNormChart(run));
  for (const layer of distributionLayers(run)) {
    if (layer.activations)
      charts.push(distributionChart(run, { kind: 'activations', layer: layer.activations }));
    if (layer.gradients)
      charts.push(distributionChart(run, { kind: 'gradients', layer: layer.gradients }));
  }
  if (run.weightHistogram) charts.push(histogramChart(run, { logCount: true }));
  if (run.test?.confusionMatrix?.length) charts.push(confusionMatrixChart(run));
  const tables: ReportTable[] = [];
  const report = classificationTable(run);
  if (report) tables.push({ title: 'Classification report (test)', table: report });
  const status = run.partial
    ? `Partial run${run.stopReason ? ` (${run.stopReason})` : ''}: ${run.epochs.length} epoch(s) finished.`
    : run.stopReason
      ? `Stopped: ${run.stopReason}.`
      : undefined;
  return {
    title: `Run: ${run.name}`,
    ...(status ? { text: status } : {}),
    charts,
    tables,
    ...(run.config === undefined
      ? {}
      : { details: [{ summary: 'Configuration', text: JSON.stringify(run.config, null, 2) }] }),
  };
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1d1d;margin:0 auto;max-width:1400px;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.subtitle{color:#555;margin:0 0 16px}.charts{display:flex;flex-wrap:wrap;gap:16px}
figure.chart{margin:0;padding:8px;border:1px solid #e3e3e3;border-radius:6px;background:#fff;max-width:100%;display:grid;grid-template-columns:min-content;overflow-x:auto}
figure.chart svg{display:block}figcaption{color:#444;margin:4px 0}
details summary{cursor:pointer;color:#235;margin:4px 0}table{border-collapse:collapse;margin:8px 0;font-variant-numeric:tabular-nums}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:left}td.num{text-align:right}thead th{background:#f4f4f4}
caption{text-align:left;font-weight:600;padding:4px 0}pre{background:#f7f7f7;padding:8px;overflow:auto}footer{color:#777;margin-top:32px}
`;

/**
 * A self-contained HTML report (no script, no external file: it opens offline): inline SVG
 * charts, each with its caption and data table, the comparison table, and per-run sections.
 *
 * @example
 * const html = await renderHtmlReport({ title: 'overfit compare', runs });
 * await writeFile('report.html', html);
 */
export async function renderHtmlReport(options: HtmlReportOptions): Promise<string> {
  const sections = options.sections ?? defaultSections(options.runs);
  const parts: string[] = [];
  for (const s of sections) {
    parts.push(`<section><h2>${escapeHtml(s.title)}</h2>`);
    if (s.text) parts.push(`<p>${escapeHtml(s.text)}</p>`);
    if (s.charts?.length) {
      parts.push('<div class="charts">');
      for (const c of s.charts) parts.push(await renderChartHtml(c));
      parts.push('</div>');
    }
    for (const t of s.tables ?? []) parts.push(renderTableHtml(t.table, t.title));
    for (const d of s.details ?? [])
      parts.push(
        `<details><summary>${escapeHtml(d.summary)}</summary><pre>${escapeHtml(d.text)}</pre></details>`,
      );
    parts.push('</section>');
  }
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(options.title)}</title><style>${STYLE}</style></head><body>`,
    `<h1>${escapeHtml(options.title)}</h1>`,
    options.subtitle ? `<p class="subtitle">${escapeHtml(options.subtitle)}</p>` : '',
    ...parts,
    options.footer ? `<footer>${escapeHtml(options.footer)}</footer>` : '',
    '</body></html>',
    '',
  ].join('\n');
}
