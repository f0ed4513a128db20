/// <reference lib="webworker" />
/**
 * Builds and draws the page's @overfit/report charts off the main thread. For the page: Vega's
 * canvas renderer into an OffscreenCanvas, posted as an ImageBitmap, so the page only hands it
 * to a canvas (an inline SVG of the same chart cost the page 100-300 ms of style and layout
 * per redraw on a busy 2-core machine). For export: `renderSvg` and `renderHtmlReport`.
 */
import {
  type Chart,
  type DataTable,
  type RunEpoch,
  type RunRecord,
  renderHtmlReport,
  renderSvg,
} from '@overfit/report';
import { parse, View } from 'vega';
import { compile } from 'vega-lite';
import { planCharts } from './charts.js';

declare const self: DedicatedWorkerGlobalScope;

/** What the page needs of a chart besides its pixels. */
export interface ChartMeta {
  id: string;
  title: string;
  caption: string;
  table: DataTable;
}

export type ChartRequest =
  /** The runs whose curves are overlaid, kept here and updated one epoch at a time. */
  | { kind: 'runs'; runs: RunRecord[] }
  | { kind: 'epoch'; index: number; epoch: RunEpoch; name: string }
  /** A run's end: everything but its epochs. */
  | { kind: 'run-done'; index: number; record: RunRecord }
  | {
      kind: 'plan';
      seq: number;
      /** Device pixels per CSS pixel. */
      scale: number;
      /** The run (by name) and layer the diagnostics panels show. */
      run: string | undefined;
      layer: string;
    }
  | { kind: 'report'; id: number; title: string; runs: RunRecord[] }
  | { kind: 'images'; id: number };

export type ChartReply =
  | {
      kind: 'chart';
      seq: number;
      target: string;
      /** Absent: the figure shows nothing now. */
      meta?: ChartMeta;
      bitmap?: ImageBitmap;
      /** CSS pixels (the bitmap has `scale` times as many). */
      width?: number;
      error?: string;
    }
  | { kind: 'report'; id: number; html?: string; error?: string }
  | { kind: 'images'; id: number; images?: ChartImage[]; error?: string };

/** One chart of the page, exported: SVG (vector, Vega's SVG renderer) and PNG. */
export interface ChartImage {
  /** The figure's id on the page. */
  target: string;
  svg: string;
  png: Blob;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The chart drawn by Vega's canvas renderer at `scale` device pixels per CSS pixel, on white. */
async function drawChart(
  chart: Chart,
  scale: number,
): Promise<{ canvas: OffscreenCanvas; width: number }> {
  const view = new View(parse(compile(chart.spec as Parameters<typeof compile>[0]).spec), {
    renderer: 'none',
  });
  try {
    await view.runAsync();
    // Vega's own size of a headless render: the view plus its padding.
    const internal = view as unknown as { _viewWidth: number; _viewHeight: number };
    const pad = view.padding() as { left: number; right: number; top: number; bottom: number };
    const width = Math.ceil(internal._viewWidth + pad.left + pad.right);
    const height = Math.ceil(internal._viewHeight + pad.top + pad.bottom);
    const canvas = new OffscreenCanvas(Math.ceil(width * scale), Math.ceil(height * scale));
    const context = canvas.getContext('2d')!;
    context.fillStyle = '#fff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    await view.toCanvas(scale, { externalContext: context } as never);
    return { canvas, width };
  } finally {
    view.finalize();
  }
}

/** The chart as the page shows it: an ImageBitmap (moved, not copied) and its CSS width. */
async function renderBitmap(
  chart: Chart,
  scale: number,
): Promise<{ bitmap: ImageBitmap; width: number }> {
  const { canvas, width } = await drawChart(chart, scale);
  return { bitmap: canvas.transferToImageBitmap(), width };
}

/** Device pixels per CSS pixel of an exported PNG (sharp on a high-density screen or a slide). */
const PNG_SCALE = 2;

/** The chart as a PNG file. */
async function renderPng(chart: Chart): Promise<Blob> {
  const { canvas } = await drawChart(chart, PNG_SCALE);
  return canvas.convertToBlob({ type: 'image/png' });
}

/** Figure id → JSON of the chart last drawn there: an unchanged chart is not drawn again. */
const drawn = new Map<string, string>();
/** Figure id → the chart it shows (for the SVG and PNG export). */
const current = new Map<string, Chart>();
/** Figure id → the newest chart asked for it: a newer plan replaces one not yet drawn. */
const queue = new Map<string, { seq: number; scale: number; chart: Chart | null }>();
let draining = false;

async function drain(): Promise<void> {
  draining = true;
  while (queue.size > 0) {
    const [target, { seq, scale, chart }] = queue.entries().next().value!;
    queue.delete(target);
    if (chart === null) {
      self.postMessage({ kind: 'chart', seq, target } satisfies ChartReply);
      continue;
    }
    const meta = { id: chart.id, title: chart.title, caption: chart.caption, table: chart.table };
    try {
      const { bitmap, width } = await renderBitmap(chart, scale);
      self.postMessage({ kind: 'chart', seq, target, meta, bitmap, width } satisfies ChartReply, [
        bitmap,
      ]);
    } catch (error) {
      self.postMessage({
        kind: 'chart',
        seq,
        target,
        meta,
        error: message(error),
      } satisfies ChartReply);
    }
  }
  draining = false;
}

/** The page's shown runs (a copy, kept current by 'runs' / 'epoch' / 'run-done'). */
let runs: RunRecord[] = [];

function plan(request: Extract<ChartRequest, { kind: 'plan' }>): void {
  const run = runs.find((r) => r.name === request.run);
  for (const [target, chart] of planCharts(runs, run, request.layer)) {
    const json = chart === null ? '' : JSON.stringify(chart);
    if (drawn.get(target) === json) continue;
    drawn.set(target, json);
    if (chart === null) current.delete(target);
    else current.set(target, chart);
    queue.delete(target); // re-queued at the end, with the newer chart
    queue.set(target, { seq: request.seq, scale: request.scale, chart });
  }
  if (!draining) void drain();
}

self.onmessage = async (event: MessageEvent<ChartRequest>) => {
  const request = event.data;
  try {
    if (request.kind === 'runs') runs = request.runs;
    else if (request.kind === 'epoch') {
      runs[request.index] ??= { name: request.name, epochs: [], partial: true };
      runs[request.index]!.epochs.push(request.epoch);
    } else if (request.kind === 'run-done')
      runs[request.index] = { ...request.record, epochs: runs[request.index]?.epochs ?? [] };
    else if (request.kind === 'plan') plan(request);
    else if (request.kind === 'report') {
      const html = await renderHtmlReport({ title: request.title, runs: request.runs });
      self.postMessage({ kind: 'report', id: request.id, html } satisfies ChartReply);
    } else {
      const images: ChartImage[] = [];
      for (const [target, chart] of current)
        images.push({ target, svg: await renderSvg(chart), png: await renderPng(chart) });
      self.postMessage({ kind: 'images', id: request.id, images } satisfies ChartReply);
    }
  } catch (error) {
    if (request.kind !== 'report' && request.kind !== 'images') throw error;
    self.postMessage({
      kind: request.kind,
      id: request.id,
      error: message(error),
    } satisfies ChartReply);
  }
};
