// "Weight decay" and "L2 regularization" are the same thing under plain SGD and different
// things under Adam. With SGD, the penalty lambda·Σw² adds 2·lambda·w to the gradient, and
// w − lr·(g + 2·lambda·w) = w·(1 − lr·2·lambda) − lr·g: decay by (1 − lr·wd) with wd = 2·lambda.
// Adam divides the whole gradient, penalty part included, by sqrt(v), so coupled L2 shrinks
// weights with large gradients less; AdamW decays every weight by the same factor instead
// (Loshchilov & Hutter). Same data, same init, same batches: only the optimizer differs.
import { mlp } from '@overfit/models';
import { adamw, l2, sgdw, torchAdam } from '@overfit/regularizers';
import { Trainer } from '@overfit/training';
import * as tf from '@tensorflow/tfjs';
import { barChart } from '../lib/charts.js';
import { round, toRunRecord } from '../lib/runs.js';
import type { Example, ExampleResult } from '../lib/types.js';

const SEED = 3;
const LAMBDA = 5e-3; // the L2 penalty: lambda · Σ w²
const WEIGHT_DECAY = 2 * LAMBDA; // its SGD equivalent

/** Trains the same net with one optimizer (and optional penalty); returns its kernels. */
async function train(
  data: { x: tf.Tensor; y: tf.Tensor },
  optimizer: tf.Optimizer,
  penalized: boolean,
  epochs: number,
) {
  const model = mlp({ inputShape: [20], hiddenUnits: [64], outputUnits: 3, seed: SEED });
  const trainer = new Trainer({
    model,
    optimizer,
    // Keras' convention: l2(lambda) adds lambda · Σ w² over the kernels (biases are not penalized).
    penalties: penalized ? [l2(LAMBDA)] : [],
    seed: SEED,
  });
  const history = await trainer.fit(data, { epochs, batchSize: 32 });
  const kernels = model.layers.flatMap((l) =>
    l.getWeights().length === 2 ? [l.getWeights()[0]!] : [],
  );
  const values = await Promise.all(kernels.map((k) => k.data()));
  const flat = Float32Array.from(values.flatMap((v) => Array.from(v)));
  model.dispose();
  optimizer.dispose();
  return { flat, history };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}
function norm(a: Float32Array): number {
  return Math.sqrt(a.reduce((s, v) => s + v * v, 0));
}

export const weightDecayVsL2: Example = {
  name: 'weight-decay-vs-l2',
  claim:
    'L2 penalty and weight decay give identical weights under SGD, different weights under Adam (coupled L2 vs AdamW)',
  seed: SEED,
  async run({ quick, log }): Promise<ExampleResult> {
    const epochs = quick ? 3 : 20;
    const samples = quick ? 512 : 2048;
    const data = tf.tidy(() => {
      const x = tf.randomNormal([samples, 20], 0, 1, 'float32', SEED);
      const teacher = tf.randomNormal([20, 3], 0, 1, 'float32', SEED + 1);
      return { x, y: tf.cast(tf.argMax(tf.matMul(x, teacher), 1), 'int32') };
    });

    const sgdL2 = await train(data, tf.train.sgd(0.1), true, epochs);
    const sgdDecay = await train(
      data,
      sgdw({ learningRate: 0.1, weightDecay: WEIGHT_DECAY }),
      false,
      epochs,
    );
    // Under Adam, both with the same coefficient on every parameter (as PyTorch's single group):
    // torchAdam adds wd·w to the gradient (= the L2 penalty wd/2 · Σw²), adamw decays w by (1 − lr·wd).
    const adamDecay = 0.1;
    const adamL2 = await train(
      data,
      torchAdam({ learningRate: 1e-2, weightDecay: adamDecay }),
      false,
      epochs,
    );
    const adamW = await train(
      data,
      adamw({ learningRate: 1e-2, weightDecay: adamDecay, exclude: [] }),
      false,
      epochs,
    );
    const adamPlain = await train(data, torchAdam({ learningRate: 1e-2 }), false, epochs);
    tf.dispose([data.x, data.y]);

    const numbers = {
      sgdMaxAbsDiff: maxAbsDiff(sgdL2.flat, sgdDecay.flat),
      sgdRelativeDiff: maxAbsDiff(sgdL2.flat, sgdDecay.flat) / norm(sgdL2.flat),
      adamMaxAbsDiff: round(maxAbsDiff(adamL2.flat, adamW.flat)),
      adamRelativeDiff: round(maxAbsDiff(adamL2.flat, adamW.flat) / norm(adamL2.flat)),
      kernelNormAdam: round(norm(adamPlain.flat)),
      kernelNormAdamL2: round(norm(adamL2.flat)),
      kernelNormAdamW: round(norm(adamW.flat)),
      kernelNormSgdL2: round(norm(sgdL2.flat)),
    };
    log(
      `SGD: L2 penalty vs weight decay, max |w1 - w2| = ${numbers.sgdMaxAbsDiff.toExponential(2)}`,
    );
    log(
      `Adam: coupled L2 vs AdamW, max |w1 - w2| = ${numbers.adamMaxAbsDiff} (kernel norms ${numbers.kernelNormAdamL2} vs ${numbers.kernelNormAdamW}; no decay ${numbers.kernelNormAdam})`,
    );
    return {
      numbers,
      checks: [
        {
          claim:
            'SGD: the L2 penalty and decoupled decay (wd = 2·lambda) end at the same weights (max difference < 1e-5 of the norm)',
          holds: numbers.sgdRelativeDiff < 1e-5,
        },
        {
          claim:
            'Adam: coupled L2 and AdamW with the same coefficient end at different weights (> 1% of the norm)',
          holds: numbers.adamRelativeDiff > 1e-2,
        },
      ],
      runs: [
        toRunRecord('SGD + L2 penalty', sgdL2.history),
        toRunRecord('SGDW (decoupled)', sgdDecay.history),
        toRunRecord('Adam + coupled L2', adamL2.history),
        toRunRecord('AdamW (decoupled)', adamW.history),
        toRunRecord('Adam, no decay', adamPlain.history),
      ],
      charts: [
        barChart({
          id: 'kernel-norms',
          title: 'Kernel norm at the end of training',
          caption:
            'SGD + L2 and SGDW coincide. Under Adam the same coefficient regularizes differently coupled (L2) and decoupled (AdamW).',
          x: 'optimizer',
          y: '||W||₂ over all kernels',
          bars: [
            { category: 'SGD + L2', value: norm(sgdL2.flat) },
            { category: 'SGDW', value: norm(sgdDecay.flat) },
            { category: 'Adam', value: numbers.kernelNormAdam },
            { category: 'Adam + coupled L2', value: numbers.kernelNormAdamL2 },
            { category: 'AdamW', value: numbers.kernelNormAdamW },
          ],
        }),
      ],
    };
  },
};
