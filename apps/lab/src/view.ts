/**
 * What the page shows, built with @overfit/report (the CLI's report uses the same builders):
 * Chart specs are made here (cheap, pure), rendered to SVG in ./chart-worker.ts, and placed in
 * their `<figure>` with the caption and the data table behind each chart.
 */
import type { HealthFlags } from '@overfit/metrics';
import {
  type Chart,
  classificationTable,
  comparisonTable,
  confusionMatrixChart,
  type DataTable,
  distributionChart,
  distributionLayers,
  escapeHtml,
  f1Chart,
  formatCell,
  gapChart,
  gradientNormChart,
  histogramChart,
  lossChart,
  penaltyChart,
  renderTableHtml,
} from '@overfit/report';
import type { ChartReply, ChartRequest } from './chart-worker.js';
import { healthBadge } from './health.js';
import type { RunRecord } from './record.js';

const $ = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector)!;

/** Figure id → the chart it shows (kept until its SVG arrives). */
type Plan = Map<string, Chart | null>;

/** The charts for the shown runs and the run picked for the diagnostics panels. */
export function planCharts(
  runs: readonly RunRecord[],
  run: RunRecord | undefined,
  layer: string | undefined,
): Plan {
  const plan: Plan = new Map();
  const withEpochs = runs.filter((r) => r.epochs.length > 0);
  const curves = withEpochs.length > 0;
  plan.set('loss-chart', curves ? lossChart(withEpochs) : null);
  plan.set('penalty-chart', curves ? penaltyChart(withEpochs) : null);
  plan.set('f1-chart', curves ? f1Chart(withEpochs) : null);
  plan.set('gap-chart', curves ? gapChart(withEpochs) : null);
  const hasNorms = run?.epochs.some((e) => e.diagnostics?.gradientNorms?.perLayer) ?? false;
  plan.set('grad-chart', run && hasNorms ? gradientNormChart(run) : null);
  const chosen = run ? distributionLayers(run).find((l) => l.name === layer) : undefined;
  plan.set(
    'act-box',
    run && chosen?.activations
      ? distributionChart(run, { kind: 'activations', layer: chosen.activations })
      : null,
  );
  plan.set(
    'grad-box',
    run && chosen?.gradients
      ? distributionChart(run, { kind: 'gradients', layer: chosen.gradients })
      : null,
  );
  const histograms = runs.filter((r) => r.weightHistogram);
  plan.set(
    'hist-chart',
    histograms.length > 0
      ? histogramChart(
          histograms.map((r) => ({ name: r.name, ...r.weightHistogram! })),
          {
            title: 'First-layer weights at the end of training',
            caption:
              'L1 piles weights at exactly zero (a spike; counts on a symmetric-log axis); L2 and weight decay shrink the spread; no regularization leaves the widest tails.',
            logCount: true,
          },
        )
      : null,
  );
  plan.set('cm-chart', run?.test?.confusionMatrix ? confusionMatrixChart(run) : null);
  return plan;
}

let seq = 0;
let pending: Plan = new Map();
let chartWorker: Worker | undefined;

function placeSvg(target: string, svg: string): void {
  const chart = pending.get(target);
  if (!chart) return;
  const figure = $(`#${target}`);
  figure.innerHTML = `${svg}<figcaption>${escapeHtml(chart.caption)}</figcaption><div class="sr-only">${renderTableHtml(chart.table, `Data: ${chart.title}`)}</div>`;
  figure.dataset.chart = chart.id;
  figure.dataset.rows = String(chart.table.rows.length);
}

function worker(): Worker {
  if (!chartWorker) {
    chartWorker = new Worker(new URL('./chart-worker.ts', import.meta.url), { type: 'module' });
    chartWorker.onmessage = (event: MessageEvent<ChartReply>) => {
      const reply = event.data;
      if (reply.seq !== seq) return;
      if (reply.svg !== undefined) placeSvg(reply.target, reply.svg);
      else $(`#${reply.target}`).textContent = `chart failed: ${reply.error}`;
      $(`#${reply.target}`).dataset.seq = String(reply.seq);
    };
  }
  return chartWorker;
}

/** Sends the plan to the chart worker; figures without a chart are emptied now. */
export function drawCharts(plan: Plan): void {
  seq++;
  pending = plan;
  const request: ChartRequest = { seq, charts: [] };
  for (const [target, chart] of plan) {
    const figure = $(`#${target}`);
    if (chart === null) {
      figure.replaceChildren();
      delete figure.dataset.chart;
    } else request.charts.push({ target, chart });
  }
  worker().postMessage(request);
}

/** The health badge of the run's last epoch (the Trainer's healthFlags on per-layer norms). */
export function renderHealth(run: RunRecord | undefined): void {
  const health = (run?.epochs.at(-1)?.diagnostics as { health?: HealthFlags } | undefined)?.health;
  const badge = healthBadge(health);
  $('#health').textContent = badge.text;
  $('#health').dataset.state = badge.state;
}

/** Keeps `select`'s options equal to `values` (the choice survives when still offered). */
export function syncOptions(select: HTMLSelectElement, values: readonly string[]): void {
  const previous = select.value;
  if (Array.from(select.options, (o) => o.value).join('\u0000') !== values.join('\u0000'))
    select.replaceChildren(...values.map((v) => new Option(v, v)));
  select.value = values.includes(previous) ? previous : (values[0] ?? '');
}

function tableHtml(table: DataTable, rowAttribute?: (i: number) => string): string {
  const head = table.columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('');
  const body = table.rows
    .map(
      (row, r) =>
        `<tr${rowAttribute ? ` ${rowAttribute(r)}` : ''}>${row
          .map((cell, i) =>
            i === 0
              ? `<th scope="row">${escapeHtml(formatCell(cell))}</th>`
              : `<td>${escapeHtml(formatCell(cell))}</td>`,
          )
          .join('')}</tr>`,
    )
    .join('');
  return `<thead><tr>${head}</tr></thead><tbody>${body}</tbody>`;
}

/** The comparison table (@overfit/report's comparisonTable): one row per run. */
export function renderCompareTable(runs: readonly RunRecord[]): void {
  const table = $<HTMLTableElement>('#compare-table');
  table.innerHTML = runs.length
    ? tableHtml(
        comparisonTable(runs),
        (i) =>
          `data-run="${escapeHtml(runs[i]!.name)}" data-partial="${runs[i]!.partial === true}"`,
      )
    : '';
  table.dataset.rows = String(runs.filter((r) => !r.partial).length);
}

/** sklearn's classification report for the run's test split. */
export function renderClassReport(run: RunRecord | undefined): void {
  const table = run ? classificationTable(run) : null;
  $('#class-report').innerHTML = table
    ? `<table>${tableHtml(table)}</table>`.replace(
        '<table>',
        `<table><caption>Per-class test scores: ${escapeHtml(run!.name)}</caption>`,
      )
    : '';
}
