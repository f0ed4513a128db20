import { describe, expect, it } from 'vitest';
import { colorScale, PALETTE, seriesColor, seriesDash } from './palette.js';

/** sRGB hex -> CIELAB (D65), the textbook formulas. */
function lab(hex: string): [number, number, number] {
  const lin = [1, 3, 5].map((i) => {
    const v = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const [r, g, b] = lin;
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  const x = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047);
  const y = f(0.2126 * r + 0.7152 * g + 0.0722 * b);
  const z = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883);
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}

describe('PALETTE', () => {
  it('has at least 12 colours, every pair at least ΔE76 = 25 apart', () => {
    expect(PALETTE.length).toBeGreaterThanOrEqual(12);
    let min = Number.POSITIVE_INFINITY;
    for (let i = 0; i < PALETTE.length; i++)
      for (let j = i + 1; j < PALETTE.length; j++) {
        const a = lab(PALETTE[i]!);
        const b = lab(PALETTE[j]!);
        min = Math.min(min, Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]));
      }
    expect(min).toBeGreaterThanOrEqual(25);
  });

  it('cycles colours and changes the dash on each cycle', () => {
    const n = PALETTE.length;
    expect(seriesColor(n)).toBe(seriesColor(0));
    expect(seriesDash(0)).toEqual([]);
    expect(seriesDash(n)).not.toEqual(seriesDash(0));
    expect(colorScale(['a', 'b'])).toEqual({ domain: ['a', 'b'], range: [PALETTE[0], PALETTE[1]] });
  });
});
