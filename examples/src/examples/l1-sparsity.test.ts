import { describe, expect, it } from 'vitest';
import { runQuick } from '../lib/testing.js';
import { l1Sparsity } from './l1-sparsity.js';

describe('l1-sparsity --quick', () => {
  it('computes the worked example and makes the first layer sparse with L1', async () => {
    const { numbers: n } = await runQuick(l1Sparsity);
    // By hand: sum |w| and sum w^2 of the two vectors.
    expect(n.l1Sparse).toBeCloseTo(1, 6);
    expect(n.l1Spread).toBeCloseTo(0.03 + 0.4 + 0.1 + 0.2 + 0.3, 5);
    expect(n.l2Sparse).toBeCloseTo(1, 6);
    expect(n.l2Spread).toBeCloseTo(0.0009 + 0.16 + 0.01 + 0.04 + 0.09, 5);
    // Adam never lands exactly on 0: L1 keeps the weights it zeroes within ~lr of it.
    expect(n.sparsity1e3_l1).toBeGreaterThan(5 * n.sparsity1e3_none!);
    expect(n.sparsity1e3_l1).toBeGreaterThan(2 * n.sparsity1e3_l2!);
    expect(n.sparsity1e3_l1).toBeGreaterThan(0.3);
    expect(n.kernelNorm_l2).toBeLessThan(n.kernelNorm_none!);
  });
});
