import { OverfitReportError } from '../errors.js';
import { distinctNames } from '../format.js';
import { colorScale, PALETTE, seriesDash } from '../palette.js';
import type { Chart, HistogramData, RunRecord } from '../types.js';
import { chart, chartSpec, tableOf } from './base.js';
import { slug } from './ids.js';

/** A named histogram (`np.histogram` output). */
export interface HistogramSeries extends HistogramData {
  name: string;
}

export interface HistogramChartOptions {
  title?: string;
  caption?: string;
  /** x-axis title; default 'weight value'. */
  xTitle?: string;
  /** A symmetric-log count axis, so a spike at zero (L1) does not flatten the rest; default false. */
  logCount?: boolean;
}

function checkHistogram(h: HistogramSeries): void {
  if (h.edges.length !== h.counts.length + 1)
    throw new OverfitReportError(
      `histogram '${h.name}': edges must have counts.length + 1 = ${h.counts.length + 1} entries, got ${h.edges.length}`,
    );
}

function seriesOf(
  input: RunRecord | HistogramSeries | readonly HistogramSeries[],
): HistogramSeries[] {
  if (Array.isArray(input)) return [...input];
  const one = input as RunRecord | HistogramSeries;
  if ('edges' in one) return [one];
  if (!one.weightHistogram)
    throw new OverfitReportError(`run '${one.name}' has no weightHistogram to chart`);
  return [{ name: one.name, ...one.weightHistogram }];
}

/**
 * Histogram(s) of values, typically a layer's weights at the end of training: bars for one
 * series, overlaid step outlines (one colour each) for several, so runs compare on one axis.
 *
 * @example
 * histogramChart([{ name: 'none', ...h0 }, { name: 'L1 0.001', ...h1 }], { logCount: true });
 */
export function histogramChart(
  input: RunRecord | HistogramSeries | readonly HistogramSeries[],
  options: HistogramChartOptions = {},
): Chart {
  const given = seriesOf(input);
  for (const s of given) checkHistogram(s);
  const labels = distinctNames(given.map((s) => s.name));
  const series = given.map((s, i) => ({ ...s, name: labels[i] as string }));
  const names = labels;
  const rows = series.flatMap((s) =>
    s.counts.map((count, i) => ({
      series: s.name,
      from: s.edges[i] as number,
      to: s.edges[i + 1] as number,
      count,
    })),
  );
  const title =
    options.title ?? (series.length === 1 ? `Weight histogram: ${names[0]}` : 'Weight histograms');
  const caption =
    options.caption ??
    'L1 piles weights up at exactly zero (a tall central bar: a sparse layer); L2 narrows the spread without zeros; no penalty leaves the widest spread.';
  const y = {
    field: 'count',
    type: 'quantitative',
    title: options.logCount ? 'count (symlog)' : 'count',
    scale: options.logCount ? { type: 'symlog' } : {},
  };
  const x = { field: 'from', type: 'quantitative', title: options.xTitle ?? 'weight value' };
  const body =
    series.length === 1
      ? {
          data: { values: rows },
          mark: { type: 'rect', color: '#4e79a7', stroke: 'white', strokeWidth: 0.5 },
          encoding: { x, x2: { field: 'to' }, y, y2: { datum: 0 } },
        }
      : {
          data: {
            // A step outline needs the last edge too: repeat the last count at it.
            values: series.flatMap((s) => [
              ...rows.filter((r) => r.series === s.name),
              { series: s.name, from: s.edges.at(-1), to: s.edges.at(-1), count: s.counts.at(-1) },
            ]),
          },
          mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
          encoding: {
            x,
            y,
            color: { field: 'series', type: 'nominal', title: 'run', scale: colorScale(names) },
            // Past the palette, colours repeat: the dash changes with each cycle.
            ...(names.length > PALETTE.length
              ? {
                  strokeDash: {
                    field: 'series',
                    type: 'nominal',
                    title: 'run',
                    scale: { domain: names, range: names.map((_, i) => seriesDash(i)) },
                  },
                }
              : {}),
          },
        };
  const spec = chartSpec(title, caption, body);
  const table = tableOf(
    ['series', 'from', 'to', 'count'],
    rows.map((r) => ({ ...r })),
  );
  return chart(`histogram-${slug(names.join('-'))}`, title, caption, spec, table);
}
