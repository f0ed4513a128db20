/** Escapes text for SVG/HTML element content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A number as an SVG coordinate: two decimals, no exponent, `-0` written as `0`. */
export function coord(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

/** Short tick/legend label: 3 significant digits, exponent form for very small or large values. */
export function formatNumber(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e4 || abs < 1e-3)
    return value.toExponential(1).replace('.0e', 'e').replace('e+', 'e');
  return String(Number(value.toPrecision(3)));
}

/** Plot area inside the SVG: margins leave room for axis labels and the legend. */
export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Maps data values to pixels; `clamped` tells whether the value had to be pulled into range. */
export interface Scale {
  map(value: number): { px: number; clamped: boolean };
  ticks: number[];
  /** Whether a value can be placed at all (finite; > 0 on a log scale). */
  placeable(value: number): boolean;
}

/** 1-2-5 steps, about `count` ticks covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
    // Rounding keeps 0.30000000000000004 out of the labels.
    ticks.push(Number(t.toPrecision(12)));
  }
  return ticks;
}

/**
 * Linear scale `px = pixelLo + (v - lo) / (hi - lo) * (pixelHi - pixelLo)`; a flat domain is
 * widened by ±0.5 (or ±|v|/2) so a constant series still plots in the middle.
 */
export function linearScale(values: readonly number[], pixelLo: number, pixelHi: number): Scale {
  const finite = values.filter(Number.isFinite);
  let lo = finite.length ? Math.min(...finite) : 0;
  let hi = finite.length ? Math.max(...finite) : 1;
  if (lo === hi) {
    const pad = lo === 0 ? 0.5 : Math.abs(lo) / 2;
    lo -= pad;
    hi += pad;
  }
  const ticks = niceTicks(lo, hi);
  const span = hi - lo;
  return {
    map: (v) => ({ px: pixelLo + ((v - lo) / span) * (pixelHi - pixelLo), clamped: false }),
    ticks,
    placeable: Number.isFinite,
  };
}

/**
 * Log10 scale over the positive finite values, padded to whole decades:
 * `px = pixelLo + (log10 v - a) / (b - a) * (pixelHi - pixelLo)`. Zeros and negatives have no
 * place on it: they are drawn on the lower edge and reported as clamped.
 */
export function logScale(values: readonly number[], pixelLo: number, pixelHi: number): Scale {
  const positive = values.filter((v) => Number.isFinite(v) && v > 0);
  let a = positive.length ? Math.floor(Math.log10(Math.min(...positive))) : 0;
  let b = positive.length ? Math.ceil(Math.log10(Math.max(...positive))) : 1;
  if (a === b) {
    a -= 1;
    b += 1;
  }
  const stride = Math.max(1, Math.ceil((b - a) / 6));
  const ticks: number[] = [];
  for (let e = a; e <= b; e += stride) ticks.push(10 ** e);
  const toPx = (e: number) => pixelLo + ((e - a) / (b - a)) * (pixelHi - pixelLo);
  return {
    map: (v) =>
      v > 0 ? { px: toPx(Math.log10(v)), clamped: false } : { px: pixelLo, clamped: true },
    ticks,
    placeable: (v) => Number.isFinite(v) && v >= 0,
  };
}

/** The y axis (ticks, grid lines, labels) and the x axis line of a frame. */
export function axes(frame: Frame, y: Scale, xTicks: { px: number; label: string }[]): string {
  const { left, top, width, height, right, bottom } = frame;
  const x1 = width - right;
  const y1 = height - bottom;
  const parts = [
    `<line class="axis" x1="${left}" y1="${top}" x2="${left}" y2="${y1}" stroke="#444"/>`,
    `<line class="axis" x1="${left}" y1="${y1}" x2="${x1}" y2="${y1}" stroke="#444"/>`,
  ];
  for (const t of y.ticks) {
    const py = coord(y.map(t).px);
    parts.push(
      `<g class="tick y-tick"><line x1="${left}" y1="${py}" x2="${x1}" y2="${py}" stroke="#eee"/>` +
        `<text x="${left - 4}" y="${py}" text-anchor="end" dominant-baseline="middle" font-size="10">${escapeXml(formatNumber(t))}</text></g>`,
    );
  }
  for (const t of xTicks) {
    parts.push(
      `<g class="tick x-tick"><line x1="${coord(t.px)}" y1="${y1}" x2="${coord(t.px)}" y2="${y1 + 4}" stroke="#444"/>` +
        `<text x="${coord(t.px)}" y="${y1 + 15}" text-anchor="middle" font-size="10">${escapeXml(t.label)}</text></g>`,
    );
  }
  return parts.join('');
}

/** Colour-blind-safe palette (Okabe–Ito), cycled. */
export const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#D55E00',
  '#CC79A7',
  '#56B4E9',
  '#F0E442',
  '#000000',
];
