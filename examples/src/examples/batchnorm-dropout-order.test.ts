import { describe, expect, it } from 'vitest';
import { runQuick } from '../lib/testing.js';
import { batchnormDropoutOrder } from './batchnorm-dropout-order.js';

describe('batchnorm-dropout-order --quick', () => {
  it('shifts the variance with dropout before BN, not after', async () => {
    const { numbers: n } = await runQuick(batchnormDropoutOrder);
    expect(n.varianceRatioDropoutThenBn).toBeGreaterThan(1.5);
    expect(Math.abs(n.varianceRatioBnThenDropout! - 1)).toBeLessThan(0.15);
  });
});
