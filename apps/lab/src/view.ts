/**
 * What the page shows. The charts (@overfit/report, see ./charts.ts) are built and drawn in
 * ./chart-worker.ts; the page places each bitmap in its `<figure>` with the chart's caption and
 * data table, and renders the health badge and the tables itself.
 */
import type { HealthFlags } from '@overfit/metrics';
import {
  classificationTable,
  comparisonTable,
  type DataTable,
  escapeHtml,
  formatCell,
  renderTableHtml,
} from '@overfit/report';
import type { ChartImage, ChartMeta, ChartReply, ChartRequest } from './chart-worker.js';
import { healthBadge } from './health.js';
import type { RunRecord } from './record.js';

const $ = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector)!;

/** The chart each figure shows now (titles, captions, tables), as the worker last sent it. */
const shownCharts = new Map<string, ChartMeta>();
let chartWorker: Worker | undefined;

/**
 * Shows a chart: the worker's bitmap in a canvas (role img, named by the title, described by
 * the caption), the caption under it, and the chart's data table for screen readers.
 */
/**
 * What an empty figure says instead of a blank box: when its chart appears, and why a run may
 * have none (a stopped run is not tested; the penalty chart needs a penalty).
 */
export const EMPTY_NOTES: Readonly<Record<string, string>> = {
  'loss-chart': 'The loss curves appear after the first epoch of a run.',
  'f1-chart': 'The macro-F1 curves appear after the first epoch of a run.',
  'gap-chart': 'The generalization gap appears after the first epoch of a run.',
  'penalty-chart':
    'The penalty term is drawn for runs with L1, L2 or elastic net; none of the shown runs has one yet.',
  'grad-chart': 'Gradient norms appear after the first epoch of the chosen run.',
  'act-box': 'Activation box plots appear after the first epoch of the chosen run.',
  'grad-box': 'Gradient box plots appear after the first epoch of the chosen run.',
  'hist-chart':
    'First-layer weight histograms appear when a run finishes (a stopped run has none).',
  'cm-chart':
    'The test confusion matrix appears when the chosen run finishes; a stopped run is not tested.',
};

/** An empty figure: its note (EMPTY_NOTES), no canvas. */
export function showEmptyFigure(figure: HTMLElement, target: string): void {
  const note = document.createElement('p');
  note.className = 'empty-note';
  note.textContent = EMPTY_NOTES[target] ?? 'Nothing to draw yet.';
  figure.replaceChildren(note);
}

function placeChart(reply: Extract<ChartReply, { kind: 'chart' }>): void {
  const { target, meta, bitmap } = reply;
  const figure = $(`#${target}`);
  const started = performance.now();
  if (!meta) {
    showEmptyFigure(figure, target);
    delete figure.dataset.chart;
    shownCharts.delete(target);
    return;
  }
  if (!bitmap) {
    figure.textContent = `chart failed: ${reply.error}`;
    return;
  }
  let canvas = figure.querySelector('canvas');
  if (!canvas) {
    // The data table in a closed <details> (as in @overfit/report's HTML): in the page for
    // screen readers and copying, and no layout cost until opened.
    figure.innerHTML = `<canvas role="img"></canvas><figcaption id="${target}-caption"></figcaption><details><summary></summary><div class="data"></div></details>`;
    canvas = figure.querySelector('canvas')!;
    canvas.setAttribute('aria-describedby', `${target}-caption`);
  }
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  canvas.style.width = `${reply.width}px`;
  canvas.setAttribute('aria-label', meta.title);
  canvas.getContext('bitmaprenderer')!.transferFromImageBitmap(bitmap);
  figure.querySelector('figcaption')!.textContent = meta.caption;
  figure.querySelector('summary')!.textContent = `Data: ${meta.title}`;
  figure.querySelector('.data')!.innerHTML = renderTableHtml(meta.table);
  figure.dataset.chart = meta.id;
  figure.dataset.rows = String(meta.table.rows.length);
  figure.dataset.seq = String(reply.seq);
  shownCharts.set(target, meta);
  // User Timing entries: the e2e reports them next to any long task.
  performance.measure(`lab:place ${target}`, { start: started });
}

/** Charts that arrived, placed one per animation frame so no frame does much DOM work. */
const placements: Extract<ChartReply, { kind: 'chart' }>[] = [];
let placing = false;

function schedulePlacement(): void {
  if (placing || placements.length === 0) return;
  placing = true;
  requestAnimationFrame(() => {
    placing = false;
    placeChart(placements.shift()!);
    schedulePlacement();
  });
}

function worker(): Worker {
  if (!chartWorker) {
    chartWorker = new Worker(new URL('./chart-worker.ts', import.meta.url), { type: 'module' });
    chartWorker.onmessage = (event: MessageEvent<ChartReply>) => {
      const reply = event.data;
      if (reply.kind !== 'chart') {
        exports.get(reply.id)?.(reply);
        exports.delete(reply.id);
        return;
      }
      placements.push(reply);
      schedulePlacement();
    };
  }
  return chartWorker;
}

let seq = 0;

/**
 * Keeps the chart worker's copy of the shown runs current: the whole list when the page shows
 * another one, then one epoch or one run's end at a time (the page never re-sends history).
 */
export function chartRuns(
  update: Extract<ChartRequest, { kind: 'runs' | 'epoch' | 'run-done' }>,
): void {
  worker().postMessage(update);
}

/**
 * Asks the chart worker to redraw: it builds the charts for its runs (the curves) and the
 * picked run and layer (the diagnostics) and draws only those that changed.
 */
export function drawCharts(run: string | undefined, layer: string): void {
  worker().postMessage({
    kind: 'plan',
    seq: ++seq,
    scale: Math.min(2, window.devicePixelRatio || 1),
    run,
    layer,
  } satisfies ChartRequest);
}

type ExportReply = Exclude<ChartReply, { kind: 'chart' }>;
const exports = new Map<number, (reply: ExportReply) => void>();
let exportId = 0;

function ask(request: Extract<ChartRequest, { kind: 'report' | 'images' }>): Promise<ExportReply> {
  return new Promise((resolve, reject) => {
    exports.set(request.id, (reply) =>
      reply.error === undefined ? resolve(reply) : reject(new Error(reply.error)),
    );
    worker().postMessage(request);
  });
}

/** The runs' self-contained HTML report (@overfit/report's renderHtmlReport, in the chart worker). */
export async function htmlReport(title: string, runs: RunRecord[]): Promise<string> {
  const reply = await ask({ kind: 'report', id: ++exportId, title, runs });
  return reply.kind === 'report' ? reply.html! : '';
}

/** Every chart on the page as SVG (renderSvg) and PNG (Vega's canvas), made in the chart worker. */
export async function chartImages(): Promise<ChartImage[]> {
  const reply = await ask({ kind: 'images', id: ++exportId });
  return reply.kind === 'images' ? reply.images! : [];
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
