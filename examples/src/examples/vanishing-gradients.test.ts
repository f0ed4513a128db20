import { describe, expect, it } from 'vitest';
import { runQuick } from '../lib/testing.js';
import { vanishingGradients } from './vanishing-gradients.js';

describe('vanishing-gradients --quick', () => {
  it('vanishes in the deep sigmoid net, not with relu + He', async () => {
    const { numbers: n } = await runQuick(vanishingGradients);
    expect(n.firstToLastRatio_sigmoid).toBeLessThan(0.01);
    expect(n.firstToLastRatio_relu).toBeGreaterThan(0.1);
    expect(n.firstToLastRatio_relu).toBeLessThan(10);
    expect(n.firstLayerGradNorm_sigmoid).toBeLessThan(n.firstLayerGradNorm_relu! / 100);
  });
});
