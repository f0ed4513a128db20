/**
 * Series colours, in order: Tableau 10 followed by near-black, a deep magenta and a dark green.
 * Every pair differs by at least ΔE*76 = 25 in CIELAB (checked in the tests), so a depth-10 MLP's
 * eleven gradient-norm lines never share a colour. Past 13 series colours repeat; charts with
 * that many series change the line dash with each cycle (gradient norms, histograms) or, in the
 * learning curves (where the dash is the split), the point shape.
 */
export const PALETTE: readonly string[] = Object.freeze([
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
  '#1a1a1a',
  '#c9007a',
  '#1a5e3a',
]);

/** Dash patterns per palette cycle (solid first). */
const CYCLE_DASHES: readonly number[][] = [[], [6, 3], [2, 2], [8, 3, 2, 3]];

/** The colour of series `i` (0-based). */
export function seriesColor(i: number): string {
  return PALETTE[i % PALETTE.length] as string;
}

/** The dash pattern of series `i`: solid for the first cycle of the palette, then dashed. */
export function seriesDash(i: number): number[] {
  return CYCLE_DASHES[Math.floor(i / PALETTE.length) % CYCLE_DASHES.length] as number[];
}

/** A Vega-Lite colour scale giving `names` the palette in order. */
export function colorScale(names: readonly string[]): { domain: string[]; range: string[] } {
  return { domain: [...names], range: names.map((_, i) => seriesColor(i)) };
}
