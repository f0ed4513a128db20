// Dropout before BatchNorm causes a "variance shift" (Li et al., 2019): in training BN sees the
// dropped-out, rescaled activations, whose variance is larger than what it will see at
// inference (no dropout), so its running variance is wrong at test time. With BN before
// dropout, BN's input never carries dropout noise and its running variance matches inference.
// We measure, per unit, running variance / variance of BN's input at inference, both orders.
import { captureActivations } from '@overfit/core';
import { Dropout } from '@overfit/regularizers';
import { Trainer } from '@overfit/training';
import * as tf from '@tensorflow/tfjs';
import { barChart } from '../lib/charts.js';
import { mean, round, toRunRecord } from '../lib/runs.js';
import type { Example, ExampleResult } from '../lib/types.js';

const SEED = 1;
const RATE = 0.5;

function buildNet(order: 'dropout-bn' | 'bn-dropout'): tf.Sequential {
  const init = (s: number) => tf.initializers.heNormal({ seed: SEED + s });
  const hidden = tf.layers.dense({
    units: 128,
    activation: 'relu',
    inputShape: [32],
    kernelInitializer: init(1),
    name: 'hidden',
  });
  // momentum 0.9 (tfjs' default is 0.99): the running statistics settle within a few dozen steps.
  const bn = tf.layers.batchNormalization({ momentum: 0.9, name: 'bn' });
  const drop = new Dropout({ rate: RATE, seed: SEED, name: 'dropout' });
  const output = tf.layers.dense({ units: 4, kernelInitializer: init(2), name: 'output' });
  const middle = order === 'dropout-bn' ? [drop, bn] : [bn, drop];
  return tf.sequential({ layers: [hidden, ...middle, output] });
}

async function varianceShift(
  order: 'dropout-bn' | 'bn-dropout',
  data: { x: tf.Tensor; y: tf.Tensor },
  validation: { x: tf.Tensor; y: tf.Tensor },
  epochs: number,
) {
  const model = buildNet(order);
  const trainer = new Trainer({ model, optimizer: tf.train.adam(1e-3), seed: SEED });
  const history = await trainer.fit(data, { epochs, batchSize: 32, validationData: validation });
  // BN's input at inference: the output of the layer just before it, dropout off.
  const before = order === 'dropout-bn' ? 'dropout' : 'hidden';
  const acts = captureActivations(model, data.x, { layers: [before], training: false });
  const inferenceVariance = tf.tidy(() => tf.moments(acts[before]!, 0).variance);
  const [gamma, beta, movingMean, movingVariance] = model.getLayer('bn').getWeights();
  const [running, actual] = await Promise.all([movingVariance!.data(), inferenceVariance.data()]);
  tf.dispose([inferenceVariance, ...Object.values(acts)]);
  void gamma;
  void beta;
  void movingMean;
  // Per unit; units that are (almost) never active have no variance to compare.
  const ratios: number[] = [];
  actual.forEach((v, i) => {
    if (v > 1e-4) ratios.push(running[i]! / v);
  });
  const { accuracy } = await trainer.evaluate(validation);
  model.dispose();
  trainer.optimizer.dispose();
  return { ratio: mean(ratios), ratios, accuracy: accuracy!, history };
}

export const batchnormDropoutOrder: Example = {
  name: 'batchnorm-dropout-order',
  claim:
    "dropout before BatchNorm inflates BN's running variance over what it sees at inference (variance shift); BN before dropout does not",
  seed: SEED,
  async run({ quick, log }): Promise<ExampleResult> {
    const samples = quick ? 1024 : 4096;
    const epochs = quick ? 3 : 6;
    const make = (n: number, seed: number) =>
      tf.tidy(() => {
        const x = tf.randomNormal([n, 32], 0, 1, 'float32', seed);
        const teacher = tf.randomNormal([32, 4], 0, 1, 'float32', SEED + 100);
        return { x, y: tf.cast(tf.argMax(tf.matMul(x, teacher), 1), 'int32') };
      });
    const data = make(samples, SEED);
    const validation = make(1024, SEED + 1);
    const a = await varianceShift('dropout-bn', data, validation, epochs);
    const b = await varianceShift('bn-dropout', data, validation, epochs);
    tf.dispose([data.x, data.y, validation.x, validation.y]);

    const numbers = {
      varianceRatioDropoutThenBn: round(a.ratio),
      varianceRatioBnThenDropout: round(b.ratio),
      accuracyDropoutThenBn: round(a.accuracy),
      accuracyBnThenDropout: round(b.accuracy),
    };
    log(
      `running / inference variance of BN's input: dropout -> BN ${numbers.varianceRatioDropoutThenBn}, BN -> dropout ${numbers.varianceRatioBnThenDropout}`,
    );
    log(
      `validation accuracy: dropout -> BN ${numbers.accuracyDropoutThenBn}, BN -> dropout ${numbers.accuracyBnThenDropout}`,
    );
    return {
      numbers,
      checks: [
        {
          claim: `dropout (${RATE}) -> BN: running variance over 1.5x the inference variance`,
          holds: numbers.varianceRatioDropoutThenBn > 1.5,
        },
        {
          claim: 'BN -> dropout: running variance within 15% of the inference variance',
          holds: Math.abs(numbers.varianceRatioBnThenDropout - 1) < 0.15,
        },
      ],
      runs: [toRunRecord('dropout -> BN', a.history), toRunRecord('BN -> dropout', b.history)],
      charts: [
        barChart({
          id: 'variance-ratio',
          title: "BN's running variance / its input's variance at inference (mean over units)",
          caption:
            '1 means BN normalizes at test time with the right statistics. Dropout before BN inflates the running variance (train-time dropout noise).',
          x: 'order',
          y: 'variance ratio',
          bars: [
            { category: 'dropout -> BN', value: numbers.varianceRatioDropoutThenBn },
            { category: 'BN -> dropout', value: numbers.varianceRatioBnThenDropout },
          ],
        }),
      ],
      details: {
        perUnitRatios: {
          dropoutThenBn: a.ratios.map((r) => round(r)),
          bnThenDropout: b.ratios.map((r) => round(r)),
        },
      },
    };
  },
};
