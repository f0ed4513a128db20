import { describe, expect, it } from 'vitest';
import { runQuick } from '../lib/testing.js';
import { weightDecayVsL2 } from './weight-decay-vs-l2.js';

describe('weight-decay-vs-l2 --quick', () => {
  it('is identical under SGD and different under Adam', async () => {
    const { numbers: n } = await runQuick(weightDecayVsL2);
    expect(n.sgdRelativeDiff).toBeLessThan(1e-5);
    expect(n.adamRelativeDiff).toBeGreaterThan(1e-2);
    // Both decays shrink the weights compared with plain Adam.
    expect(n.kernelNormAdamW).toBeLessThan(n.kernelNormAdam!);
    expect(n.kernelNormAdamL2).toBeLessThan(n.kernelNormAdam!);
  });
});
