import { describe, expect, it } from 'vitest';
import { runQuick } from '../lib/testing.js';
import { noisyRegression } from './noisy-regression.js';

describe('noisy-regression --quick', () => {
  it('overfits without dropout, not with dropout 0.2 / 0.5', async () => {
    const { numbers, checks } = await runQuick(noisyRegression);
    // The unregularized net fits the training noise: below the noise variance 0.09 ...
    expect(numbers.trainMse_none).toBeLessThan(0.09);
    expect(numbers.trainMse_none).toBeLessThan(numbers.trainMse_dropout05!);
    // ... and generalizes worse than both dropout nets.
    expect(numbers.valMse_none).toBeGreaterThan(numbers.valMse_dropout02!);
    expect(numbers.valMse_none).toBeGreaterThan(numbers.valMse_dropout05!);
    expect(checks.every((c) => c.holds)).toBe(true);
  });
});
