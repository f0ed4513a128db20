// L1 vs L2. The course's worked example first: two weight vectors that give the same
// prediction, [0, 1, 0, 0, 0] and [-0.03, 0.4, 0.1, 0.2, 0.3]. With lambda = 1, L1 = 1 vs 1.03
// (the course text says 1.13, an arithmetic slip) and L2 = 1 vs 0.3009: L1 prefers the sparse
// vector, L2 the spread-out one. Then the lab's assignment on MNIST: the same MLP without
// penalty, with L1 (lambda 0.001) and with L2 (lambda 0.01): L1 drives many first-layer weights
// to (almost) zero, L2 shrinks them all without zeroing them.
import { splitToTensors } from '@overfit/data';
import { loadMnist } from '@overfit/data/node';
import { mlp } from '@overfit/models';
import { l1, l2 } from '@overfit/regularizers';
import { Trainer } from '@overfit/training';
import * as tf from '@tensorflow/tfjs';
import { round, toRunRecord } from '../lib/runs.js';
import type { Example, ExampleResult } from '../lib/types.js';

const SEED = 0;
const SPARSE = [0, 1, 0, 0, 0];
const SPREAD = [-0.03, 0.4, 0.1, 0.2, 0.3];

/** A penalty's value on a weight vector (the objects are tfjs regularizers too: `apply`). */
async function penaltyOf(penalty: ReturnType<typeof l1>, weights: number[]): Promise<number> {
  const value = tf.tidy(() => penalty.apply(tf.tensor1d(weights)));
  const out = (await value.data())[0]!;
  value.dispose();
  return out;
}

/** `np.histogram(values, bins, range)`. */
function histogram(values: Float32Array, bins: number, lo: number, hi: number) {
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    const b = Math.floor(((v - lo) / (hi - lo)) * bins);
    if (b >= 0 && b <= bins) counts[Math.min(b, bins - 1)]!++;
  }
  return { edges: Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins), counts };
}

export const l1Sparsity: Example = {
  name: 'l1-sparsity',
  claim:
    'L1 prefers sparse weights, L2 spread-out ones (the worked example); on MNIST L1 (0.001) drives a large share of the first-layer weights to (almost) zero, L2 (0.01) only shrinks them',
  seed: SEED,
  async run({ quick, log }): Promise<ExampleResult> {
    const worked = {
      l1Sparse: round(await penaltyOf(l1(1), SPARSE)),
      l1Spread: round(await penaltyOf(l1(1), SPREAD)),
      l2Sparse: round(await penaltyOf(l2(1), SPARSE)),
      l2Spread: round(await penaltyOf(l2(1), SPREAD)),
    };
    log(
      `worked example: L1 ${worked.l1Sparse} vs ${worked.l1Spread}, L2 ${worked.l2Sparse} vs ${worked.l2Spread}`,
    );

    const data = await loadMnist({
      limit: quick ? 2000 : 6000,
      testLimit: quick ? 1000 : 10000,
      seed: SEED,
    });
    const train = splitToTensors(data.train);
    const validation = splitToTensors(data.validation);
    const test = splitToTensors(data.test);
    const epochs = quick ? 6 : 10;

    const numbers: Record<string, number> = { ...worked };
    const runs = [];
    const settings = [
      { name: 'no penalty', key: 'none', penalties: [] },
      { name: 'L1 0.001', key: 'l1', penalties: [l1(1e-3)] },
      { name: 'L2 0.01', key: 'l2', penalties: [l2(1e-2)] },
    ];
    for (const setting of settings) {
      const model = mlp({ inputShape: [784], hiddenUnits: [128], outputUnits: 10, seed: SEED });
      const trainer = new Trainer({
        model,
        optimizer: tf.train.adam(1e-3),
        penalties: setting.penalties, // over the kernels (biases are not penalized)
        seed: SEED,
      });
      const history = await trainer.fit(train, {
        epochs,
        batchSize: 64,
        validationData: validation,
      });
      const evaluation = await trainer.evaluate(test);
      const kernel = (await model.getLayer('hidden_1').getWeights()[0]!.data()) as Float32Array;
      const small = (t: number) =>
        kernel.reduce((s, v) => s + (Math.abs(v) < t ? 1 : 0), 0) / kernel.length;
      const norm = Math.sqrt(kernel.reduce((s, v) => s + v * v, 0));
      numbers[`sparsity1e3_${setting.key}`] = round(small(1e-3));
      numbers[`sparsity1e2_${setting.key}`] = round(small(1e-2));
      numbers[`kernelNorm_${setting.key}`] = round(norm);
      numbers[`testAccuracy_${setting.key}`] = round(evaluation.accuracy!);
      log(
        `${setting.name}: first-layer weights |w| < 1e-3: ${numbers[`sparsity1e3_${setting.key}`]}, < 1e-2: ${numbers[`sparsity1e2_${setting.key}`]}, norm ${numbers[`kernelNorm_${setting.key}`]}, test accuracy ${numbers[`testAccuracy_${setting.key}`]}`,
      );
      runs.push(
        toRunRecord(setting.name, history, {
          config: { penalty: setting.name, hiddenUnits: [128], epochs },
          test: {
            accuracy: evaluation.accuracy!,
            macroF1: evaluation.macroF1!,
            loss: evaluation.loss,
          },
          weightHistogram: histogram(kernel, 60, -0.15, 0.15),
          summary: { sparsity: small(1e-3), weightNorm: norm },
        }),
      );
      model.dispose();
      trainer.optimizer.dispose();
    }
    tf.dispose([train.x, train.y, validation.x, validation.y, test.x, test.y]);

    const n = numbers;
    return {
      numbers,
      checks: [
        {
          claim: 'worked example: L1 = 1 vs 1.03, L2 = 1 vs 0.3009',
          holds:
            Math.abs(n.l1Sparse! - 1) < 1e-5 &&
            Math.abs(n.l1Spread! - 1.03) < 1e-5 &&
            Math.abs(n.l2Sparse! - 1) < 1e-5 &&
            Math.abs(n.l2Spread! - 0.3009) < 1e-5,
        },
        {
          claim:
            "L1 leaves far more first-layer weights at (almost) zero (|w| < 1e-3, the Trainer's sparsity) than no penalty (over 5x) and than L2 (over 2x)",
          holds:
            n.sparsity1e3_l1! > 5 * n.sparsity1e3_none! &&
            n.sparsity1e3_l1! > 2 * n.sparsity1e3_l2!,
        },
        {
          claim: 'both penalties shrink the first-layer weights',
          holds: n.kernelNorm_l1! < n.kernelNorm_none! && n.kernelNorm_l2! < n.kernelNorm_none!,
        },
      ],
      runs,
    };
  },
};
