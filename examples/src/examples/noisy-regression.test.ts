import { describe, expect, it } from 'vitest';
import { runQuick } from '../lib/testing.js';
import { noisyRegression } from './noisy-regression.js';

describe('noisy-regression --quick', () => {
  it('overfits without dropout, less with dropout 0.2 / 0.5', async () => {
    const { numbers: n, checks } = await runQuick(noisyRegression);
    // The unregularized net fits the training noise: below the noise variance 0.09 ...
    expect(n.trainMse_none).toBeLessThan(0.09);
    expect(n.trainMse_none).toBeLessThan(n.trainMse_dropout02!);
    expect(n.trainMse_none).toBeLessThan(n.trainMse_dropout05!);
    // ... and has the largest gap between validation and training loss.
    const gap = (key: string) => n[`valMse_${key}`]! - n[`trainMse_${key}`]!;
    expect(gap('none')).toBeGreaterThan(gap('dropout02'));
    expect(gap('none')).toBeGreaterThan(gap('dropout05'));
    expect(checks.every((c) => c.holds)).toBe(true);
  });
});
