import { describe, expect, it } from 'vitest';
import { runQuick } from '../lib/testing.js';
import { earlyStopping } from './early-stopping.js';

describe('early-stopping --quick', () => {
  it('stops after the minimum and keeps the better, closer weights', async () => {
    const { numbers: n } = await runQuick(earlyStopping);
    expect(n.finalValLoss_full).toBeGreaterThan(n.bestValLoss! * 1.1);
    expect(n.epochs_stopped).toBeLessThan(n.epochs_full!);
    // Same seed, same batches: the stopped run's best epoch is the full run's minimum.
    expect(n.bestEpoch).toBe(n.minValLossEpoch_full);
    expect(n.testLoss_stopped).toBeLessThan(n.testLoss_full!);
    expect(n.weightDistance_stopped).toBeLessThan(n.weightDistance_full!);
  });
});
