import { describe, expect, it } from 'vitest';
import { type BoxStats, boxPlot } from './box-plot.js';

function box(
  q1: number,
  median: number,
  q3: number,
  whiskerLow: number,
  whiskerHigh: number,
  outliers: number[] = [],
): BoxStats {
  return {
    q1,
    median,
    q3,
    whiskerLow,
    whiskerHigh,
    outliers,
    outlierCount: outliers.length,
    count: 100,
  };
}

function num(block: string, cls: string, attr: string): number[] {
  const re = new RegExp(`class="${cls}"[^>]*?\\s${attr}="([^"]*)"`, 'g');
  return [...block.matchAll(re)].map((m) => Number(m[1]));
}

function boxes(svg: string): string[] {
  return [...svg.matchAll(/<g class="box"[\s\S]*?<\/g>/g)].map((m) => m[0]);
}

describe('boxPlot', () => {
  it('draws one box per summary with whisker, IQR rect, median line and the outliers', () => {
    const svg = boxPlot([
      box(-1, 0, 1, -2, 2, [-5, 4, 6]),
      box(0, 0.5, 1, -0.5, 1.5),
      box(1, 2, 3, 0, 4, [9]),
    ]);
    const bs = boxes(svg);
    expect(bs).toHaveLength(3);
    expect(bs.map((b) => (b.match(/class="outlier"/g) ?? []).length)).toEqual([3, 0, 1]);
    for (const b of bs) {
      expect(b.match(/class="iqr"/g)).toHaveLength(1);
      expect(b.match(/class="median"/g)).toHaveLength(1);
      expect(b.match(/class="whisker"/g)).toHaveLength(1);
    }
  });

  it('maps values monotonically: whiskerHigh above q3 above median above q1 above whiskerLow', () => {
    const [b] = boxes(boxPlot([box(-1, 0.2, 1, -2, 3, [-6, 7])]));
    const [wy1, wy2] = [num(b!, 'whisker', 'y1')[0]!, num(b!, 'whisker', 'y2')[0]!];
    const rectTop = num(b!, 'iqr', 'y')[0]!;
    const rectBottom = rectTop + num(b!, 'iqr', 'height')[0]!;
    const medianY = num(b!, 'median', 'y1')[0]!;
    const [outLow, outHigh] = num(b!, 'outlier', 'cy');
    // SVG y grows downward.
    expect(wy2).toBeLessThan(rectTop);
    expect(rectTop).toBeLessThan(medianY);
    expect(medianY).toBeLessThan(rectBottom);
    expect(rectBottom).toBeLessThan(wy1);
    expect(outHigh).toBeLessThan(wy2);
    expect(outLow).toBeGreaterThan(wy1);
    // Linear: q1..median spans 1.2 units, median..q3 0.8.
    expect((rectBottom - medianY) / (medianY - rectTop)).toBeCloseTo(1.2 / 0.8, 1);
  });

  it('places boxes left to right and puts later boxes with larger values higher', () => {
    const bs = boxes(boxPlot([box(0, 1, 2, -1, 3), box(10, 11, 12, 9, 13)]));
    const x = bs.map((b) => num(b, 'iqr', 'x')[0]!);
    const med = bs.map((b) => num(b, 'median', 'y1')[0]!);
    expect(x[0]).toBeLessThan(x[1]!);
    expect(med[0]).toBeGreaterThan(med[1]!);
  });

  it('leaves empty slots for missing summaries and survives a degenerate (all-equal) box', () => {
    const svg = boxPlot([undefined, box(0, 0, 0, 0, 0), undefined]);
    expect(boxes(svg)).toHaveLength(1);
    expect(svg).toContain('data-index="1"');
    expect(svg).not.toMatch(/NaN|Infinity/);
    expect(svg.match(/class="tick x-tick"/g)).toHaveLength(3);
  });

  it('handles tiny gradient values without collapsing the box', () => {
    const [b] = boxes(boxPlot([box(-2e-12, 0, 2e-12, -5e-12, 5e-12)]));
    expect(num(b!, 'iqr', 'height')[0]).toBeGreaterThan(10);
  });

  it('escapes labels and title', () => {
    const svg = boxPlot([box(0, 1, 2, -1, 3)], { title: '<b>&', xLabel: () => '"e1"' });
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('&#60;b&#62;&#38;');
    expect(svg).toContain('&#34;e1&#34;');
  });
});
