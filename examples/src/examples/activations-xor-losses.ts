// Three small lessons of the deep-feedforward lecture, each computed with tfjs' autodiff:
// 1. the activations and their derivatives (sigmoid's slope is at most 0.25 and dies out for
//    large |x|; ReLU's is 1 for every x > 0);
// 2. XOR is not linearly separable: a linear model gets at most 3 of its 4 points right, one
//    hidden layer gets all 4;
// 3. on a saturated sigmoid unit (wrong and confident), MSE's gradient almost vanishes while
//    cross-entropy's stays large, which is why classifiers are trained with cross-entropy.
import { mlp } from '@overfit/models';
import { Trainer } from '@overfit/training';
import * as tf from '@tensorflow/tfjs';
import { heatmapChart, type Series, xyChart } from '../lib/charts.js';
import { round, toRunRecord } from '../lib/runs.js';
import type { Example, ExampleResult } from '../lib/types.js';

const SEED = 2;

const ACTIVATIONS: Record<string, (x: tf.Tensor) => tf.Tensor> = {
  relu: (x) => tf.relu(x),
  leakyRelu: (x) => tf.leakyRelu(x, 0.01),
  elu: (x) => tf.elu(x),
  softplus: (x) => tf.softplus(x),
  sigmoid: (x) => tf.sigmoid(x),
  tanh: (x) => tf.tanh(x),
};

/** f and f' on a grid (f' by autodiff: the gradient of sum f(x) is f'(x) elementwise). */
async function activationCurves(grid: tf.Tensor1D) {
  const xs = await grid.data();
  const values: Series[] = [];
  const slopes: Series[] = [];
  const maxSlope: Record<string, number> = {};
  const slopeAt5: Record<string, number> = {};
  for (const [name, f] of Object.entries(ACTIVATIONS)) {
    const [y, dy] = tf.tidy(() => [f(grid), tf.grad((x: tf.Tensor) => f(x))(grid)]);
    const [ys, dys] = await Promise.all([y!.data(), dy!.data()]);
    tf.dispose([y!, dy!]);
    values.push({ name, points: Array.from(xs, (x, i) => [x, ys[i]!]) });
    slopes.push({ name, points: Array.from(xs, (x, i) => [x, dys[i]!]) });
    maxSlope[name] = Math.max(...dys);
    slopeAt5[name] = dys[xs.length - 1]!;
  }
  return { values, slopes, maxSlope, slopeAt5 };
}

/** Trains a model on the 4 XOR points; returns its accuracy and P(class 1) on a grid. */
async function trainXor(hiddenUnits: number[], epochs: number) {
  const x = tf.tensor2d([
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ]);
  const y = tf.tensor1d([0, 1, 1, 0], 'int32');
  const model = mlp({
    inputShape: [2],
    hiddenUnits,
    activation: 'tanh',
    outputUnits: 2,
    seed: SEED,
  });
  const trainer = new Trainer({ model, optimizer: tf.train.adam(0.05), seed: SEED });
  const history = await trainer.fit({ x, y }, { epochs, batchSize: 4 });
  const { accuracy } = await trainer.evaluate({ x, y });
  // P(class 1) over [-0.5, 1.5]^2, row 0 at the top.
  const side = 21;
  const grid = tf.tidy(() => {
    const v = tf.linspace(-0.5, 1.5, side);
    const rows = tf.reverse(v).reshape([side, 1]).tile([1, side]).reshape([-1, 1]);
    const cols = v.reshape([1, side]).tile([side, 1]).reshape([-1, 1]);
    return tf.concat([cols, rows], 1);
  });
  const logits = trainer.predict(grid);
  const p = tf.tidy(() => tf.softmax(logits).slice([0, 1], [-1, 1]));
  const probabilities = await p.data();
  tf.dispose([x, y, grid, logits, p]);
  model.dispose();
  trainer.optimizer.dispose(); // its moment estimates
  return { accuracy: accuracy!, probabilities, side, history };
}

/** |dL/dz| of MSE and of cross-entropy for a sigmoid unit a = sigmoid(z) whose target is 1. */
async function saturatedUnitGradients(z: tf.Tensor1D) {
  const mse = (zz: tf.Tensor) => tf.sum(tf.square(tf.sub(1, tf.sigmoid(zz))));
  // -log sigmoid(z), written stably as softplus(-z).
  const crossEntropy = (zz: tf.Tensor) => tf.sum(tf.softplus(tf.neg(zz)));
  const [g1, g2] = tf.tidy(() => [tf.abs(tf.grad(mse)(z)), tf.abs(tf.grad(crossEntropy)(z))]);
  const [zs, gm, gc] = await Promise.all([z.data(), g1!.data(), g2!.data()]);
  tf.dispose([g1!, g2!]);
  return { zs, gm, gc };
}

export const activationsXorLosses: Example = {
  name: 'activations-xor-losses',
  claim:
    "activations and their derivatives; XOR needs a hidden layer; on a saturated unit MSE's gradient vanishes, cross-entropy's does not",
  seed: SEED,
  async run({ quick, log }): Promise<ExampleResult> {
    const grid = tf.linspace(-5, 5, 101);
    const curves = await activationCurves(grid);
    grid.dispose();

    const epochs = quick ? 150 : 500;
    const linear = await trainXor([], epochs);
    const hidden = await trainXor([8], epochs);
    log(
      `XOR accuracy: linear ${linear.accuracy}, one hidden layer of 8 tanh units ${hidden.accuracy}`,
    );

    const z = tf.linspace(-6, 6, 121);
    const grads = await saturatedUnitGradients(z);
    z.dispose();
    const at = (value: number) => grads.zs.findIndex((v) => Math.abs(v - value) < 1e-4);
    const i5 = at(-5);
    log(
      `target 1, z = -5 (output 0.0067): |dMSE/dz| = ${grads.gm[i5]!.toExponential(3)}, |dCE/dz| = ${grads.gc[i5]!.toFixed(4)}`,
    );

    const numbers = {
      sigmoidMaxSlope: round(curves.maxSlope.sigmoid!),
      tanhMaxSlope: round(curves.maxSlope.tanh!),
      sigmoidSlopeAt5: round(curves.slopeAt5.sigmoid!),
      reluSlopeAt5: round(curves.slopeAt5.relu!),
      xorAccuracyLinear: linear.accuracy,
      xorAccuracyHidden: hidden.accuracy,
      mseGradAtZMinus5: round(grads.gm[i5]!),
      crossEntropyGradAtZMinus5: round(grads.gc[i5]!),
      gradientRatioAtZMinus5: round(grads.gc[i5]! / grads.gm[i5]!),
    };
    const toPoints = (g: Float32Array | Int32Array | Uint8Array) =>
      Array.from(grads.zs, (v, i) => [v, g[i]!] as const);
    return {
      numbers,
      checks: [
        {
          claim: "sigmoid's derivative is at most 0.25 (tanh's 1) and below 0.01 at x = 5",
          holds:
            Math.abs(numbers.sigmoidMaxSlope - 0.25) < 1e-3 &&
            Math.abs(numbers.tanhMaxSlope - 1) < 1e-3 &&
            numbers.sigmoidSlopeAt5 < 0.01,
        },
        {
          claim: 'a linear model gets at most 3 of the 4 XOR points, one hidden layer all 4',
          holds: numbers.xorAccuracyLinear <= 0.75 && numbers.xorAccuracyHidden === 1,
        },
        {
          claim: "at z = -5 (target 1) cross-entropy's gradient is over 50 times MSE's",
          holds: numbers.gradientRatioAtZMinus5 > 50,
        },
      ],
      runs: [
        toRunRecord('XOR linear', linear.history, { summary: { accuracy: linear.accuracy } }),
        toRunRecord('XOR hidden 8 tanh', hidden.history, {
          summary: { accuracy: hidden.accuracy },
        }),
      ],
      charts: [
        xyChart({
          id: 'activations',
          title: 'Activation functions',
          caption: 'ReLU family: unbounded above; sigmoid and tanh saturate.',
          x: 'x',
          y: 'f(x)',
          series: curves.values,
        }),
        xyChart({
          id: 'derivatives',
          title: 'Their derivatives',
          caption:
            "Sigmoid's slope never exceeds 0.25 and is almost 0 for |x| > 4: stacked sigmoids multiply these small factors (vanishing gradients).",
          x: 'x',
          y: "f'(x)",
          series: curves.slopes,
        }),
        heatmapChart({
          id: 'xor',
          title: 'XOR: P(class 1) over the plane',
          caption:
            'A linear model can only split the plane with one line (at most 3 of 4 points right); with a hidden layer the two diagonals get their own region. Points: (0,0), (1,1) class 0; (0,1), (1,0) class 1.',
          panels: [
            {
              name: `linear (accuracy ${linear.accuracy})`,
              rows: 21,
              cols: 21,
              values: linear.probabilities,
            },
            {
              name: `hidden layer (accuracy ${hidden.accuracy})`,
              rows: 21,
              cols: 21,
              values: hidden.probabilities,
            },
          ],
        }),
        xyChart({
          id: 'saturated-gradients',
          title: 'Gradient on a sigmoid unit with target 1',
          caption:
            'For z << 0 the unit is confidently wrong: the MSE gradient (a-1)·a·(1-a) vanishes with the sigmoid slope, the cross-entropy gradient a-1 stays near 1.',
          x: 'z (pre-activation)',
          y: '|dL/dz|',
          logY: true,
          series: [
            { name: 'MSE (1 - sigmoid(z))^2', points: toPoints(grads.gm) },
            { name: 'cross-entropy -log sigmoid(z)', points: toPoints(grads.gc) },
          ],
        }),
      ],
    };
  },
};
