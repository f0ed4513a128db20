import { describe, expect, it } from 'vitest';
import { runQuick } from '../lib/testing.js';
import { initialization } from './initialization.js';

describe('initialization --quick', () => {
  it('explodes, vanishes or keeps the activation scale as the init says', async () => {
    const { numbers: n } = await runQuick(initialization);
    expect(n.growth_normalRelu).toBeGreaterThan(100);
    expect(n.growth_smallRelu).toBeLessThan(0.01);
    // Glorot's variance is half of He's: a ReLU net shrinks by about 1/sqrt(2) per layer.
    expect(n.growth_glorotRelu).toBeLessThan(n.growth_heRelu!);
    for (const g of [n.growth_heRelu!, n.growth_lecunTanh!]) {
      expect(g).toBeGreaterThan(1 / 3);
      expect(g).toBeLessThan(3);
    }
    expect(n.saturatedLast_normalTanh).toBeGreaterThan(0.5);
    expect(n.saturatedLast_lecunTanh).toBeLessThan(0.1);
    expect(n.lossEpoch1_heRelu).toBeLessThan(n.lossEpoch1_normalRelu!);
    expect(n.lossEpoch1_heRelu).toBeLessThan(n.lossEpoch1_smallRelu!);
  });
});
