import { describe, expect, it } from 'vitest';
import { healthBadge } from './health.js';

describe('lab health badge', () => {
  it('turns health flags into a badge, non-finite first, naming the flagged layers', () => {
    const layer = (
      name: string,
      flags: Partial<Record<'vanishing' | 'exploding' | 'nonFinite', boolean>> = {},
    ) => ({
      name,
      norm: 1,
      vanishing: false,
      exploding: false,
      nonFinite: false,
      ...flags,
    });
    const base = {
      vanishing: false,
      exploding: false,
      nonFinite: false,
      ratio: 0.5,
      layers: [layer('hidden_1'), layer('output')],
      thresholds: { vanishingNorm: 1e-7, explodingNorm: 1e3, minRatio: 1e-3, maxRatio: 1e3 },
    };
    expect(healthBadge(undefined).state).toBe('unknown');
    expect(healthBadge(base)).toEqual({
      state: 'ok',
      text: 'gradients healthy (first/last layer norm ratio 0.5)',
    });
    expect(
      healthBadge({
        ...base,
        vanishing: true,
        ratio: 2e-4,
        layers: [layer('hidden_1', { vanishing: true }), layer('output')],
      }),
    ).toEqual({
      state: 'vanishing',
      text: 'vanishing gradients: hidden_1 (first/last layer norm ratio 2.000e-4)',
    });
    expect(
      healthBadge({
        ...base,
        exploding: true,
        ratio: null,
        layers: [layer('output', { exploding: true })],
      }),
    ).toEqual({
      state: 'exploding',
      text: 'exploding gradients: output',
    });
    expect(healthBadge({ ...base, vanishing: true, exploding: true }).state).toBe(
      'vanishing+exploding',
    );
    expect(
      healthBadge({
        ...base,
        exploding: true,
        nonFinite: true,
        layers: [layer('hidden_1', { nonFinite: true })],
      }),
    ).toEqual({
      state: 'non-finite',
      text: 'non-finite gradients: hidden_1',
    });
  });
});
