/// <reference lib="webworker" />
/**
 * Renders @overfit/report charts to SVG off the main thread (Vega's headless renderer), so a
 * redraw never blocks the page: it posts Chart specs, this posts SVG strings back.
 */
import { type Chart, renderSvg } from '@overfit/report';

declare const self: DedicatedWorkerGlobalScope;

export interface ChartRequest {
  seq: number;
  charts: { target: string; chart: Chart }[];
}

export interface ChartReply {
  seq: number;
  target: string;
  svg?: string;
  error?: string;
}

let latest = 0;

self.onmessage = async (event: MessageEvent<ChartRequest>) => {
  const { seq, charts } = event.data;
  latest = seq;
  for (const { target, chart } of charts) {
    // A newer request supersedes this one: skip what the page would throw away.
    if (seq !== latest) return;
    try {
      self.postMessage({ seq, target, svg: await renderSvg(chart) } satisfies ChartReply);
    } catch (error) {
      self.postMessage({
        seq,
        target,
        error: error instanceof Error ? error.message : String(error),
      } satisfies ChartReply);
    }
  }
};
