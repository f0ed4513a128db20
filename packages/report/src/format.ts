import type { Cell } from './types.js';

/** A finite number, or null (JSON and Vega-Lite drop NaN/±Infinity points; tables show "–"). */
export function finiteOrNull(value: number | undefined | null): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/**
 * A number as a table shows it: 4 significant digits, exponent form below 1e-3 or from 1e5,
 * integers as they are; null, NaN and undefined as "–".
 */
export function formatCell(value: Cell | undefined): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'string') return value;
  if (Number.isNaN(value)) return '–';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e5)) return value.toExponential(3);
  return Number(value.toPrecision(4)).toString();
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** Names in first-seen order across records (the Trainer records layers in model order). */
export function orderedKeys(records: readonly (Record<string, unknown> | undefined)[]): string[] {
  const seen = new Set<string>();
  for (const r of records) for (const k of Object.keys(r ?? {})) seen.add(k);
  return [...seen];
}

/**
 * A chart id from free text: lowercase letters (of any script), digits and dashes. Letters
 * outside a-z are kept, so names written in another script (`基线`, `正则化`) keep distinct ids
 * instead of all becoming `chart`.
 */
export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, '-')
      .replace(/^-|-$/g, '') || 'chart'
  );
}

/**
 * `names` made distinct for a chart's legend and data: the first of a repeated name keeps it,
 * the next get ` (2)`, ` (3)`, ... (skipping names given as they are); two runs both called
 * `baseline` would otherwise be drawn as one zig-zag line.
 */
export function distinctNames(names: readonly string[]): string[] {
  const given = new Set(names);
  const taken = new Set<string>();
  return names.map((name) => {
    let label = name;
    for (let k = 2; taken.has(label); k++) {
      label = `${name} (${k})`;
      if (given.has(label)) label = name; // keep looking: that name belongs to another run
    }
    taken.add(label);
    return label;
  });
}
