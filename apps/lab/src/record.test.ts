import { describe, expect, it } from 'vitest';
import { histogram, toRunEpoch } from './record.js';

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
      dataLoss: 0.5,
    });
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
