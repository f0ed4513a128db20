import { describe, expect, it } from 'vitest';
import { histogram, summarize, toRunEpoch } from './record.js';

describe('lab run records', () => {
  it('maps an EpochLog to a RunEpoch: 1-based, data loss apart from the penalty, seconds', () => {
    const e = toRunEpoch(
      {
        epoch: 0,
        loss: 13.5,
        penalty: 12.8,
        accuracy: 0.8,
        valLoss: 0.7,
        valAccuracy: 0.79,
        valMacroF1: 0.78,
        durationMs: 2500,
      },
      0.81,
    );
    expect(e).toEqual({
      epoch: 1,
      loss: 13.5,
      penalty: 12.8,
      dataLoss: 13.5 - 12.8,
      accuracy: 0.8,
      macroF1: 0.81,
      valLoss: 0.7,
      valAccuracy: 0.79,
      valMacroF1: 0.78,
      seconds: 2.5,
    });
    expect(toRunEpoch({ epoch: 2, loss: 0.5 })).toEqual({
      epoch: 3,
      loss: 0.5,
      penalty: 0,
      dataLoss: 0.5,
    });
  });

  it('summarizes the last epoch: first-layer sparsity, global kernel norm, first/last layer gradient norm, gap', () => {
    const stats = (last: number) => ({ mean: 0, max: 0, last });
    const summary = summarize([
      { epoch: 1 },
      {
        epoch: 2,
        macroF1: 0.9,
        valMacroF1: 0.85,
        diagnostics: {
          sparsity: { 'hidden_1/kernel': 0.25, 'output/kernel': 0.5 },
          weightNorms: { 'hidden_1/kernel': 3, 'hidden_1/bias': 100, 'output/kernel': 4 },
          gradientNorms: {
            perLayer: { hidden_1: stats(0.1), hidden_2: stats(0.2), output: stats(0.3) },
          },
        },
      },
    ]);
    expect(summary.sparsity).toBe(0.25);
    expect(summary.weightNorm).toBe(5); // sqrt(3² + 4²), biases left out
    expect(summary.firstGradNorm).toBe(0.1);
    expect(summary.lastGradNorm).toBe(0.3);
    expect(summary.gap).toBeCloseTo(0.05, 12);
    expect(summarize([])).toEqual({});
  });

  it('bins values on equal bins, the maximum in the last bin, like numpy.histogram', () => {
    // numpy.histogram([0, 1, 1, 2, 3, 4], bins=4) -> counts [1, 2, 1, 2], edges [0, 1, 2, 3, 4]
    expect(histogram([0, 1, 1, 2, 3, 4], 4)).toEqual({
      edges: [0, 1, 2, 3, 4],
      counts: [1, 2, 1, 2],
    });
    expect(histogram([2, 2], 10)).toEqual({ edges: [1.5, 2.5], counts: [2] });
    expect(histogram([Number.NaN], 3)).toEqual({ edges: [], counts: [] });
  });
});
