import { describe, expect, it } from 'vitest';
import { lineChart } from './line-chart.js';

/** Attribute `name` of every element matching `selector` (tag plus class), in document order. */
function attrs(svg: string, tag: string, cls: string, name: string): number[] {
  const re = new RegExp(`<${tag} class="${cls}[^"]*"[^>]*?\\s${name}="([^"]*)"`, 'g');
  return [...svg.matchAll(re)].map((m) => Number(m[1]));
}

function seriesBlocks(svg: string): string[] {
  return [...svg.matchAll(/<g class="series"[\s\S]*?<\/g>/g)].map((m) => m[0]);
}

describe('lineChart', () => {
  it('draws one series per input with one point per value and a legend entry each', () => {
    const svg = lineChart([
      { name: 'hidden_1', values: [1, 2, 3] },
      { name: 'hidden_2', values: [3, 2, 1] },
      { name: 'output', values: [0.5, 0.5, 0.5] },
    ]);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    const blocks = seriesBlocks(svg);
    expect(blocks).toHaveLength(3);
    for (const b of blocks) expect(b.match(/<circle class="point/g)).toHaveLength(3);
    expect(svg.match(/<g class="legend-item">/g)).toHaveLength(3);
    expect(svg).toContain('data-series="hidden_2"');
  });

  it('maps larger values higher (smaller cy) and later epochs further right, linearly', () => {
    const svg = lineChart([{ name: 'a', values: [1, 2, 4] }]);
    const cx = attrs(svg, 'circle', 'point', 'cx');
    const cy = attrs(svg, 'circle', 'point', 'cy');
    expect(cx[0]).toBeLessThan(cx[1]!);
    expect(cx[1]).toBeLessThan(cx[2]!);
    expect(cy[0]).toBeGreaterThan(cy[1]!);
    expect(cy[1]).toBeGreaterThan(cy[2]!);
    // Linear: the step 2→4 is twice the step 1→2 (to the 0.01 px rounding).
    expect(cy[1]! - cy[2]!).toBeCloseTo(2 * (cy[0]! - cy[1]!), 1);
  });

  it('log scale: equal ratios give equal pixel steps, 1e-12 is placed, zero is clamped to the lower edge', () => {
    const svg = lineChart([{ name: 'g', values: [1e-12, 1e-6, 1, 0] }], {
      logY: true,
      height: 300,
    });
    const cy = attrs(svg, 'circle', 'point', 'cy');
    expect(cy).toHaveLength(4);
    for (const v of cy) expect(Number.isFinite(v)).toBe(true);
    expect(cy[0]! - cy[1]!).toBeCloseTo(cy[1]! - cy[2]!, 1);
    expect(cy[0]).toBeGreaterThan(cy[1]!);
    // The zero sits at the bottom of the plot, at or below the smallest positive value.
    expect(cy[3]).toBeGreaterThanOrEqual(cy[0]!);
    expect(svg.match(/class="point clamped"/g)).toHaveLength(1);
    expect(svg).not.toMatch(/NaN|Infinity/);
    // Decade ticks cover the data: 1e-12 ... 1.
    expect(svg).toContain('>1e-12<');
    expect(svg).toContain('>1<');
  });

  it('log scale with only zeros, and NaN gaps, stays finite', () => {
    const svg = lineChart(
      [
        { name: 'z', values: [0, 0] },
        { name: 'gap', values: [1, Number.NaN, 3] },
      ],
      { logY: true },
    );
    expect(svg).not.toMatch(/"NaN"|"Infinity"|"-Infinity"/);
    const gap = seriesBlocks(svg)[1]!;
    expect(gap.match(/<circle/g)).toHaveLength(2);
    // The NaN breaks the line: two separate moves, no line segment across the gap.
    expect(gap.match(/M/g)).toHaveLength(2);
  });

  it('handles a single epoch and a constant series', () => {
    const svg = lineChart([{ name: 'one', values: [0.7] }]);
    expect(attrs(svg, 'circle', 'point', 'cy')).toHaveLength(1);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('escapes series names and the title', () => {
    const svg = lineChart([{ name: '<script>"x"&', values: [1, 2] }], { title: 'a<b' });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&#60;script&#62;&#34;x&#34;&#38;');
    expect(svg).toContain('a&#60;b');
  });
});
