// Vega-Lite specs for what the shared chart builders of @overfit/report do not draw: functions
// over data points, curves of any x, image-like heatmaps, bars.
import { type Chart, chartSpec, PALETTE } from '@overfit/report';

export interface Series {
  name: string;
  points: readonly (readonly [number, number])[];
  /** 'line' (default) or 'point'. */
  mark?: 'line' | 'point';
}

interface XyOptions {
  id: string;
  title: string;
  caption: string;
  x: string;
  y: string;
  series: Series[];
  logY?: boolean;
  /** A shaded band per x (e.g. a 95% interval), drawn under the lines. */
  band?: { name: string; points: readonly (readonly [number, number, number])[] };
}

/** Lines and/or points of several named series over a shared x axis. */
export function xyChart(options: XyOptions): Chart {
  const rows = options.series.flatMap((s) =>
    s.points.map(([x, y]) => ({ series: s.name, x, y, mark: s.mark ?? 'line' })),
  );
  // The shared palette, in series order (the report's own charts colour runs the same way).
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    sort: null,
    scale: { domain: options.series.map((s) => s.name), range: [...PALETTE] },
  };
  const yScale = options.logY ? { type: 'log' } : { zero: false };
  const layers: Record<string, unknown>[] = [];
  if (options.band) {
    layers.push({
      data: {
        values: options.band.points.map(([x, lo, hi]) => ({ x, lo, hi, band: options.band!.name })),
      },
      mark: { type: 'area', opacity: 0.25 },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: options.x },
        y: { field: 'lo', type: 'quantitative', title: options.y, scale: yScale },
        y2: { field: 'hi' },
        fill: { field: 'band', type: 'nominal', title: null, scale: { range: ['#999999'] } },
      },
    });
  }
  layers.push(
    {
      transform: [{ filter: "datum.mark === 'line'" }],
      mark: { type: 'line', strokeWidth: 2 },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: options.x },
        y: { field: 'y', type: 'quantitative', title: options.y, scale: yScale },
        color,
      },
    },
    {
      transform: [{ filter: "datum.mark === 'point'" }],
      mark: { type: 'point', filled: true, size: 30 },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: options.x },
        y: { field: 'y', type: 'quantitative', title: options.y, scale: yScale },
        color,
      },
    },
  );
  return {
    id: options.id,
    title: options.title,
    caption: options.caption,
    spec: chartSpec(
      options.title,
      options.caption,
      { data: { values: rows }, layer: layers, resolve: { scale: { color: 'shared' } } },
      { width: 560, height: 320 },
    ),
    table: {
      columns: ['series', options.x, options.y],
      rows: rows.map((r) => [r.series, r.x, r.y]),
    },
  };
}

/** A bar per category (optionally grouped by a second field). */
export function barChart(options: {
  id: string;
  title: string;
  caption: string;
  x: string;
  y: string;
  bars: { category: string; group?: string; value: number }[];
  logY?: boolean;
}): Chart {
  const grouped = options.bars.some((b) => b.group !== undefined);
  return {
    id: options.id,
    title: options.title,
    caption: options.caption,
    spec: chartSpec(
      options.title,
      options.caption,
      {
        data: { values: options.bars },
        mark: 'bar',
        encoding: {
          x: { field: 'category', type: 'nominal', title: options.x, sort: null },
          y: {
            field: 'value',
            type: 'quantitative',
            title: options.y,
            ...(options.logY ? { scale: { type: 'log' } } : {}),
          },
          ...(grouped
            ? {
                xOffset: { field: 'group', type: 'nominal' },
                color: {
                  field: 'group',
                  type: 'nominal',
                  title: null,
                  scale: { range: [...PALETTE] },
                },
              }
            : {}),
        },
      },
      { width: 560, height: 300 },
    ),
    table: {
      columns: grouped ? [options.x, 'group', options.y] : [options.x, options.y],
      rows: options.bars.map((b) =>
        grouped ? [b.category, b.group ?? null, b.value] : [b.category, b.value],
      ),
    },
  };
}

/** Small heatmaps side by side (masks, images): one panel per entry of `panels`. */
export function heatmapChart(options: {
  id: string;
  title: string;
  caption: string;
  panels: { name: string; rows: number; cols: number; values: ArrayLike<number> }[];
  cell?: number;
}): Chart {
  const values = options.panels.flatMap((p) =>
    Array.from({ length: p.rows * p.cols }, (_, i) => ({
      panel: p.name,
      row: Math.floor(i / p.cols),
      col: i % p.cols,
      value: p.values[i]!,
    })),
  );
  const first = options.panels[0]!;
  const cell = options.cell ?? 8;
  return {
    id: options.id,
    title: options.title,
    caption: options.caption,
    spec: chartSpec(
      options.title,
      options.caption,
      {
        data: { values },
        facet: { field: 'panel', type: 'nominal', title: null, sort: null },
        columns: 5,
        spec: {
          width: first.cols * cell,
          height: first.rows * cell,
          mark: 'rect',
          encoding: {
            x: { field: 'col', type: 'ordinal', axis: null },
            y: { field: 'row', type: 'ordinal', axis: null },
            color: {
              field: 'value',
              type: 'quantitative',
              scale: { scheme: 'greys' },
              title: null,
            },
          },
        },
      },
      null,
    ),
    table: {
      columns: ['panel', 'mean value', 'fraction zero'],
      rows: options.panels.map((p) => {
        let sum = 0;
        let zeros = 0;
        for (let i = 0; i < p.values.length; i++) {
          sum += p.values[i]!;
          if (p.values[i] === 0) zeros++;
        }
        return [p.name, sum / p.values.length, zeros / p.values.length];
      }),
    },
  };
}
