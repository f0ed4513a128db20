import { describe, expect, it } from 'vitest';
import { coord, escapeXml, formatNumber, linearScale, logScale, niceTicks } from './svg.js';

describe('svg helpers', () => {
  it('escapes the five XML specials', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe(
      '&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;',
    );
  });

  it('writes coordinates without exponents or -0', () => {
    expect(coord(-0.001)).toBe('0');
    expect(coord(12.3456)).toBe('12.35');
    expect(formatNumber(1e-12)).toBe('1e-12');
    expect(formatNumber(2.5e-5)).toBe('2.5e-5');
    expect(formatNumber(0.25)).toBe('0.25');
  });

  it('nice ticks step by 1, 2 or 5 times a power of ten and stay inside the range', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-3, 7)).toEqual([-2, 0, 2, 4, 6]);
  });

  it('linear scale maps the data range onto the pixel range', () => {
    const s = linearScale([2, 4], 100, 0);
    expect(s.map(2).px).toBe(100);
    expect(s.map(4).px).toBe(0);
    expect(s.map(3).px).toBe(50);
  });

  it('log scale maps decades evenly and clamps non-positive values', () => {
    const s = logScale([1e-3, 1e1], 100, 0);
    expect(s.map(1e-3).px).toBeCloseTo(100, 10);
    expect(s.map(1e1).px).toBeCloseTo(0, 10);
    expect(s.map(1e-1).px).toBeCloseTo(50, 10);
    expect(s.map(0)).toEqual({ px: 100, clamped: true });
    expect(s.placeable(-1)).toBe(false);
    expect(s.ticks).toEqual([1e-3, 1e-2, 1e-1, 1, 10]);
  });
});
