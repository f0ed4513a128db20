import { describe, expect, it } from 'vitest';
import { runQuick } from '../lib/testing.js';
import { labelSmoothing } from './label-smoothing.js';

describe('label-smoothing --quick', () => {
  it('lowers confidence at about the same accuracy', async () => {
    const { numbers: n, details } = await runQuick(labelSmoothing);
    expect(
      (details as { smoothedTargetsForDigit3: number[] }).smoothedTargetsForDigit3[3],
    ).toBeCloseTo(0.91, 6);
    expect(n.meanConfidence_eps01).toBeLessThan(n.meanConfidence_none! - 0.02);
    expect(Math.abs(n.testAccuracy_eps01! - n.testAccuracy_none!)).toBeLessThan(0.02);
    expect(n.testAccuracy_none).toBeGreaterThan(0.85);
  });
});
