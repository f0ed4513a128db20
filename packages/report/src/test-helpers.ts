import type { BoxSummary, RunEpoch, RunRecord } from './types.js';

/** A deterministic pseudo-random sequence (LCG) so fixtures need no seed plumbing. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function box(center: number, spread: number, outliers: number[] = []): BoxSummary {
  return {
    q1: center - spread,
    median: center,
    q3: center + spread,
    whiskerLow: center - 2.5 * spread,
    whiskerHigh: center + 2.5 * spread,
    outliers,
    outlierCount: outliers.length,
    count: 1000,
  };
}

/** A plausible run: `layers` dense layers, `epochs` epochs, a penalty when `penalty > 0`. */
export function syntheticRun(
  name: string,
  options: { epochs?: number; layers?: number; penalty?: number; seed?: number } = {},
): RunRecord {
  const { epochs = 4, layers = 3, penalty = 0, seed = 1 } = options;
  const rand = lcg(seed);
  const layerNames = Array.from({ length: layers }, (_, i) =>
    i === layers - 1 ? 'output' : `hidden_${i + 1}`,
  );
  const records: RunEpoch[] = [];
  for (let e = 1; e <= epochs; e++) {
    const dataLoss = 1 / e + 0.05 * rand();
    const perLayer = Object.fromEntries(
      layerNames.map((l, i) => {
        const v = 10 ** (-1 - i * 0.5) / e;
        return [l, { mean: v, max: 2 * v, last: v * 0.9 }];
      }),
    );
    records.push({
      epoch: e,
      dataLoss,
      penalty: penalty > 0 ? penalty / e : undefined,
      loss: dataLoss + (penalty > 0 ? penalty / e : 0),
      macroF1: Math.min(0.99, 0.7 + 0.08 * e),
      valMacroF1: Math.min(0.97, 0.68 + 0.06 * e),
      accuracy: Math.min(0.99, 0.71 + 0.08 * e),
      valAccuracy: Math.min(0.97, 0.69 + 0.06 * e),
      valLoss: 1.1 / e + 0.1,
      diagnostics: {
        gradientNorms: { perLayer },
        activations: Object.fromEntries(
          layerNames.slice(0, -1).map((l) => [`${l}_activation`, box(0.5 * e, 0.2, [3 + e, 40])]),
        ),
        gradients: Object.fromEntries(layerNames.map((l) => [l, box(0, 1e-3 / e, [0.05])])),
        weightNorms: Object.fromEntries(
          layerNames.flatMap((l) => [
            [`${l}/kernel`, 3 + e],
            [`${l}/bias`, 100],
          ]),
        ),
        sparsity: Object.fromEntries(layerNames.map((l, i) => [`${l}/kernel`, 0.01 * (i + 1) * e])),
      },
    });
  }
  return {
    name,
    config: { penalty, layers },
    epochs: records,
    test: {
      macroF1: 0.95,
      accuracy: 0.951,
      loss: 0.2,
      confusionMatrix: [
        [50, 2, 0],
        [3, 45, 2],
        [0, 1, 47],
      ],
    },
    weightHistogram: { edges: [-0.2, -0.1, 0, 0.1, 0.2], counts: [10, 40, 45, 5] },
  };
}
