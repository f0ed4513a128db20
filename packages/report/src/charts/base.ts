import type { Cell, Chart, DataTable } from '../types.js';

/** Chart sizes (px) of the plotting area; legends and axes add to them. */
export const CHART_WIDTH = 380;
export const CHART_HEIGHT = 240;

/** Longest drawn chart title (px); longer ones end in an ellipsis. */
const TITLE_LIMIT = 640;

/** Fonts and axis styles shared by every chart, so the CLI report and the lab look the same. */
const CONFIG = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  background: 'white',
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 600, gridColor: '#e6e6e6' },
  legend: { labelFontSize: 11, titleFontSize: 12, symbolStrokeWidth: 2, labelLimit: 220 },
  // A very long run name would otherwise widen the SVG to fit its title (thousands of px); the
  // full title stays in the SVG's <title> and aria-label and in the report's "Data:" summary.
  title: { fontSize: 14, anchor: 'start', fontWeight: 600, limit: TITLE_LIMIT },
  view: { stroke: '#cccccc' },
};

/**
 * The top level every chart shares: schema, size, title, description (the caption) and the
 * shared fonts and axis styles. Wrap a Vega-Lite body in it to draw a chart of one's own in the
 * same design; `size: null` leaves the size to the body (facets and concatenations size their
 * panels themselves).
 *
 * @example
 * const spec = chartSpec('Fitted function', 'Dots are the data.', { data, mark: 'line', encoding });
 * await renderSvg({ id: 'fit', title: 'Fitted function', caption: 'Dots are the data.', spec, table });
 */
export function chartSpec(
  title: string,
  caption: string,
  // biome-ignore lint/suspicious/noExplicitAny: Vega-Lite spec fragments are plain JSON
  body: Record<string, any>,
  size: { width?: number; height?: number } | null = {},
  // biome-ignore lint/suspicious/noExplicitAny: see above
): Record<string, any> {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    description: `${title}. ${caption}`,
    ...(size === null
      ? {}
      : { width: size.width ?? CHART_WIDTH, height: size.height ?? CHART_HEIGHT }),
    config: CONFIG,
    ...body,
  };
}

/** Assembles a {@link Chart}. */
export function chart(
  id: string,
  title: string,
  caption: string,
  spec: Chart['spec'],
  table: DataTable,
): Chart {
  return { id, title, caption, spec, table };
}

/** A table from row objects, in `columns` order. */
export function tableOf(columns: string[], rows: Record<string, Cell | undefined>[]): DataTable {
  return { columns, rows: rows.map((r) => columns.map((c) => r[c] ?? null)) };
}

/** Epoch axis: integer ticks only. */
export const EPOCH_AXIS = { title: 'epoch', tickMinStep: 1, format: 'd' };
