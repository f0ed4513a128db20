import type { DistributionSummary } from '@overfit/metrics';
import { describe, expect, it } from 'vitest';
import {
  compareRow,
  distributionLayers,
  distributionSeries,
  gradientNormSeries,
  healthBadge,
  type LabEpoch,
} from './diagnostics.js';

const stats = (last: number) => ({ mean: last * 2, max: last * 3, last });
const summary = (median: number) => ({ median }) as DistributionSummary;

const epochs: LabEpoch[] = [
  {
    epoch: 0,
    valMacroF1: 0.8,
    diagnostics: {
      gradientNorms: { perLayer: { hidden_1: stats(0.5), hidden_2: stats(0.2), output: stats(1) } },
      activations: { hidden_1_activation: summary(1), probe_out: summary(3) },
      gradients: { hidden_1: summary(-1), hidden_2: summary(-2) },
    },
  },
  {
    epoch: 1,
    valMacroF1: 0.85,
    diagnostics: { gradientNorms: { perLayer: { hidden_1: stats(0.25), output: stats(0.5) } } },
  },
];

describe('lab diagnostics readers', () => {
  it('makes one gradient-norm series per layer in model order, NaN where an epoch lacks the layer', () => {
    const series = gradientNormSeries(epochs);
    expect(series.map((s) => s.name)).toEqual(['hidden_1', 'hidden_2', 'output']);
    expect(series[0]!.values).toEqual([0.5, 0.25]);
    expect(series[1]!.values[0]).toBe(0.2);
    expect(series[1]!.values[1]).toBeNaN();
    expect(gradientNormSeries(epochs, 'max')[2]!.values).toEqual([3, 1.5]);
    expect(gradientNormSeries([{ epoch: 0 }])).toEqual([]);
  });

  it('pairs activation keys (hidden_1_activation) with gradient keys (hidden_1) and picks one box per epoch', () => {
    expect(distributionLayers(epochs)).toEqual([
      { name: 'hidden_1', gradients: 'hidden_1', activations: 'hidden_1_activation' },
      { name: 'hidden_2', gradients: 'hidden_2' },
      { name: 'probe_out', activations: 'probe_out' },
    ]);
    expect(distributionSeries(epochs, 'gradients', 'hidden_2').map((s) => s?.median)).toEqual([
      -2,
      undefined,
    ]);
    expect(
      distributionSeries(epochs, 'activations', 'hidden_1_activation').map((s) => s?.median),
    ).toEqual([1, undefined]);
    expect(distributionSeries(epochs, 'activations', undefined)).toEqual([undefined, undefined]);
  });

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
      text: 'vanishing gradients: hidden_1 (first/last layer norm ratio 2e-4)',
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

  it('summarizes a run from its last epoch: first and last layer gradient norms, final val macro-F1', () => {
    expect(compareRow('L2 0.01', epochs, 0.9)).toEqual({
      config: 'L2 0.01',
      finalValMacroF1: 0.85,
      testMacroF1: 0.9,
      firstLayerGradNorm: 0.25,
      lastLayerGradNorm: 0.5,
    });
    const empty = compareRow('none', [], 0.5);
    expect(empty.finalValMacroF1).toBeNaN();
    expect(empty.firstLayerGradNorm).toBeNaN();
  });
});
