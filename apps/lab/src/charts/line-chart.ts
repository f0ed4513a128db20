import { axes, coord, escapeXml, type Frame, linearScale, logScale, PALETTE } from './svg.js';

/** One line: a name (legend) and one value per epoch; NaN leaves a gap. */
export interface LineSeries {
  name: string;
  values: readonly number[];
}

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  /** SVG width in px; default 560. */
  width?: number;
  /** SVG height in px; default 260. */
  height?: number;
  /** Log10 y axis (for gradient norms); default false. Zeros sit on the lower edge, marked clamped. */
  logY?: boolean;
  /** Title, drawn above the plot and used as the accessible label. */
  title?: string;
  /** Label of x position i; default `String(i + 1)` (epochs counted from 1). */
  xLabel?: (index: number) => string;
}

/**
 * A line chart as an SVG string: one `<g class="series">` per series with a `<path>` and one
 * `<circle class="point">` per placeable value, y ticks with grid lines, x ticks, a legend.
 * x position i maps to `left + i / (n - 1) * plotWidth` (the middle when n = 1); y is linear or
 * log10 (see `linearScale` / `logScale` in svg.ts). All text is escaped.
 *
 * @example
 * el.innerHTML = lineChart([{ name: 'hidden_1', values: [0.3, 0.1] }], { logY: true, title: 'gradient norm' });
 */
export function lineChart(series: readonly LineSeries[], options: LineChartOptions = {}): string {
  const width = options.width ?? 560;
  const height = options.height ?? 260;
  const legendWidth = 120;
  const frame: Frame = {
    width,
    height,
    left: 52,
    right: legendWidth + 10,
    top: options.title ? 24 : 10,
    bottom: 28,
  };
  const n = Math.max(0, ...series.map((s) => s.values.length));
  const plotLeft = frame.left + 8;
  const plotRight = width - frame.right - 8;
  const xPx = (i: number) =>
    n <= 1 ? (plotLeft + plotRight) / 2 : plotLeft + (i / (n - 1)) * (plotRight - plotLeft);
  const all = series.flatMap((s) => s.values);
  const y = (options.logY ? logScale : linearScale)(all, height - frame.bottom, frame.top);
  const label = options.xLabel ?? ((i: number) => String(i + 1));
  const step = Math.max(1, Math.ceil(n / 10));
  const xTicks = Array.from({ length: n }, (_, i) => i)
    .filter((i) => i % step === 0)
    .map((i) => ({ px: xPx(i), label: label(i) }));

  const parts: string[] = [];
  const title = options.title ?? 'line chart';
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="line-chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(title)}">`,
  );
  if (options.title)
    parts.push(
      `<text class="title" x="${frame.left}" y="14" font-size="12" font-weight="bold">${escapeXml(options.title)}</text>`,
    );
  parts.push(axes(frame, y, xTicks));
  series.forEach((s, k) => {
    const colour = PALETTE[k % PALETTE.length];
    let d = '';
    let penDown = false;
    const points: string[] = [];
    s.values.forEach((v, i) => {
      if (!y.placeable(v)) {
        penDown = false;
        return;
      }
      const { px, clamped } = y.map(v);
      d += `${penDown ? 'L' : 'M'}${coord(xPx(i))} ${coord(px)}`;
      penDown = true;
      points.push(
        `<circle class="point${clamped ? ' clamped' : ''}" cx="${coord(xPx(i))}" cy="${coord(px)}" r="3" fill="${colour}" data-value="${v}"><title>${escapeXml(`${s.name}, ${label(i)}: ${v}`)}</title></circle>`,
      );
    });
    parts.push(
      `<g class="series" data-series="${escapeXml(s.name)}"><path d="${d}" fill="none" stroke="${colour}" stroke-width="1.5"/>${points.join('')}</g>`,
    );
  });
  const lx = width - legendWidth;
  parts.push('<g class="legend">');
  series.forEach((s, k) => {
    const ly = frame.top + 6 + k * 16;
    parts.push(
      `<g class="legend-item"><rect x="${lx}" y="${ly - 5}" width="10" height="10" fill="${PALETTE[k % PALETTE.length]}"/>` +
        `<text x="${lx + 14}" y="${ly}" dominant-baseline="middle" font-size="11">${escapeXml(s.name)}</text></g>`,
    );
  });
  parts.push('</g></svg>');
  return parts.join('');
}
