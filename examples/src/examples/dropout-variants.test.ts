import { describe, expect, it } from 'vitest';
import { runQuick } from '../lib/testing.js';
import { dropoutVariants } from './dropout-variants.js';

describe('dropout-variants --quick', () => {
  it("shows each variant's scaling and structure", async () => {
    const { numbers: n } = await runQuick(dropoutVariants);
    // Inverted: x / (1 - p) in training, identity at inference.
    expect(n.invertedKeptValue).toBeCloseTo(2, 6);
    expect(n.invertedInferenceMean).toBeCloseTo(1, 6);
    expect(Math.abs(n.invertedTrainMean! - 1)).toBeLessThan(0.03);
    // Standard: x · m in training, x · (1 - p) at inference.
    expect(n.standardKeptValue).toBeCloseTo(1, 6);
    expect(n.standardInferenceMean).toBeCloseTo(0.5, 6);
    expect(Math.abs(n.standardTrainMean! - 0.5)).toBeLessThan(0.02);
    expect(n.spatialPartialMaps).toBe(0);
    expect(Math.abs(n.spatialWholeMapsDropped! - 0.5)).toBeLessThan(0.1);
    expect(n.plainWholeMapsDropped).toBe(0);
    expect(n.dropConnectSpread).toBeGreaterThan(0.1);
    expect(n.dropConnectMeanError).toBeLessThan(0.15);
    expect(Math.abs(n.dropBlockDroppedFraction! - 0.2)).toBeLessThan(0.06);
    expect(n.dropBlockNeighbourDropped).toBeGreaterThan(2 * n.plainNeighbourDropped!);
    expect(n.stochasticDepthPartialRows).toBe(0);
    expect(n.stochasticDepthInferenceMean).toBe(1);
  });
});
