import type { DistributionSummary } from '@overfit/metrics';
import { axes, coord, escapeXml, type Frame, formatNumber, linearScale } from './svg.js';

/** The fields of a `DistributionSummary` (from `@overfit/metrics`) a box plot draws. */
export type BoxStats = Pick<
  DistributionSummary,
  'q1' | 'median' | 'q3' | 'whiskerLow' | 'whiskerHigh' | 'outliers' | 'outlierCount' | 'count'
>;

/** Options of {@link boxPlot}. */
export interface BoxPlotOptions {
  /** SVG width in px; default 560. */
  width?: number;
  /** SVG height in px; default 220. */
  height?: number;
  /** Title above the plot, also the accessible label. */
  title?: string;
  /** Label under box i; default `String(i + 1)` (epochs counted from 1). */
  xLabel?: (index: number) => string;
  /** Box fill colour; default a light blue. */
  fill?: string;
}

/**
 * Box plots as an SVG string, one `<g class="box">` per summary (an epoch), in the
 * matplotlib/Tukey form `DistributionSummary` already computed: whiskers from `whiskerLow` to
 * `whiskerHigh` (`<line class="whisker">`), the box from q1 to q3 (`<rect class="iqr">`), the
 * median (`<line class="median">`) and the listed outliers (`<circle class="outlier">`). The
 * y axis is linear over every whisker and outlier; a missing summary (`undefined`) leaves its
 * slot empty. All text is escaped.
 *
 * @example
 * el.innerHTML = boxPlot(epochs.map((e) => e.diagnostics?.activations?.hidden_1), { title: 'hidden_1 activations' });
 */
export function boxPlot(
  boxes: readonly (BoxStats | undefined)[],
  options: BoxPlotOptions = {},
): string {
  const width = options.width ?? 560;
  const height = options.height ?? 220;
  const frame: Frame = {
    width,
    height,
    left: 58,
    right: 10,
    top: options.title ? 24 : 10,
    bottom: 28,
  };
  const n = boxes.length;
  const slot = (width - frame.left - frame.right) / Math.max(1, n);
  const centre = (i: number) => frame.left + slot * (i + 0.5);
  const halfBox = Math.min(24, slot * 0.3);
  const values = boxes.flatMap((b) =>
    b ? [b.whiskerLow, b.whiskerHigh, b.q1, b.q3, ...b.outliers] : [],
  );
  const y = linearScale(values, height - frame.bottom, frame.top);
  const label = options.xLabel ?? ((i: number) => String(i + 1));
  const step = Math.max(1, Math.ceil(n / 12));
  const xTicks = boxes
    .map((_, i) => i)
    .filter((i) => i % step === 0)
    .map((i) => ({ px: centre(i), label: label(i) }));
  const fill = options.fill ?? '#cfe3f5';
  const py = (v: number) => coord(y.map(v).px);

  const title = options.title ?? 'box plot';
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="box-plot" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(title)}">`,
  ];
  if (options.title)
    parts.push(
      `<text class="title" x="${frame.left}" y="14" font-size="12" font-weight="bold">${escapeXml(options.title)}</text>`,
    );
  parts.push(axes(frame, y, xTicks));
  boxes.forEach((b, i) => {
    if (!b) return;
    const cx = centre(i);
    const x0 = coord(cx - halfBox);
    const x1 = coord(cx + halfBox);
    const top = y.map(b.q3).px;
    const boxHeight = Math.max(1, y.map(b.q1).px - top);
    const tip =
      `${label(i)}: median ${formatNumber(b.median)}, IQR [${formatNumber(b.q1)}, ${formatNumber(b.q3)}], ` +
      `whiskers [${formatNumber(b.whiskerLow)}, ${formatNumber(b.whiskerHigh)}], ${b.outlierCount} outliers of ${b.count}`;
    parts.push(
      `<g class="box" data-index="${i}" data-median="${b.median}"><title>${escapeXml(tip)}</title>` +
        `<line class="whisker" x1="${coord(cx)}" y1="${py(b.whiskerLow)}" x2="${coord(cx)}" y2="${py(b.whiskerHigh)}" stroke="#333"/>` +
        `<line class="cap" x1="${coord(cx - halfBox / 2)}" y1="${py(b.whiskerLow)}" x2="${coord(cx + halfBox / 2)}" y2="${py(b.whiskerLow)}" stroke="#333"/>` +
        `<line class="cap" x1="${coord(cx - halfBox / 2)}" y1="${py(b.whiskerHigh)}" x2="${coord(cx + halfBox / 2)}" y2="${py(b.whiskerHigh)}" stroke="#333"/>` +
        `<rect class="iqr" x="${x0}" y="${coord(top)}" width="${coord(2 * halfBox)}" height="${coord(boxHeight)}" fill="${fill}" stroke="#333"/>` +
        `<line class="median" x1="${x0}" y1="${py(b.median)}" x2="${x1}" y2="${py(b.median)}" stroke="#D55E00" stroke-width="2"/>` +
        b.outliers
          .map(
            (o) =>
              `<circle class="outlier" cx="${coord(cx)}" cy="${py(o)}" r="2" fill="none" stroke="#555" data-value="${o}"/>`,
          )
          .join('') +
        '</g>',
    );
  });
  parts.push('</svg>');
  return parts.join('');
}
