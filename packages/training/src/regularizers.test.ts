// Every regularizer of @overfit/regularizers inside the overfit Trainer (penalties hook, constraints after
// each update, decoupled decay in the optimizer, smoothed loss, stochastic layers).

import { listParameters, Rng } from '@overfit/core';
import {
  adamw,
  DropConnectDense,
  Dropout,
  decoupledWeightDecay,
  GaussianNoise,
  l1,
  l2,
  labelSmoothingLoss,
  maxNorm,
  nonNeg,
} from '@overfit/regularizers';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { Trainer } from './index.js';

const disposables: tf.TensorContainer[] = [];
afterEach(() => {
  tf.dispose(disposables.splice(0));
});

/** Three Gaussian blobs in 2-D, class ids int32. */
function blobs(perClass: number, seed: number) {
  const rng = new Rng(seed);
  const centers = [
    [2, 0],
    [-1, 1.7],
    [-1, -1.7],
  ];
  const xs: number[] = [];
  const ys: number[] = [];
  centers.forEach(([cx, cy], k) => {
    for (let i = 0; i < perClass; i++) {
      xs.push(cx! + 0.5 * rng.normal(), cy! + 0.5 * rng.normal());
      ys.push(k);
    }
  });
  const data = { x: tf.tensor2d(xs, [xs.length / 2, 2]), y: tf.tensor1d(ys, 'int32') };
  disposables.push(data);
  return data;
}

function classifier(seed: number, hidden: tf.layers.Layer[] = []) {
  return tf.sequential({
    layers: [
      tf.layers.dense({
        units: 16,
        activation: 'relu',
        inputShape: [2],
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
        name: 'hidden',
      }),
      ...hidden,
      tf.layers.dense({
        units: 3,
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
        name: 'logits',
      }),
    ],
  });
}

const kernelSquares = (model: tf.LayersModel, layer: string) =>
  tf.tidy(() => tf.sum(tf.square(model.getLayer(layer).getWeights()[0]!)).dataSync()[0]!);

describe('regularizers in the Trainer', () => {
  it('an l2 penalty is added to the objective and shrinks the kernels', async () => {
    const data = blobs(20, 1);
    const plain = classifier(1);
    const penalized = classifier(1);
    const opts = { epochs: 15, batchSize: 20 };
    await new Trainer({ model: plain, optimizer: tf.train.adam(0.05), seed: 1 }).fit(data, opts);
    const h = await new Trainer({
      model: penalized,
      optimizer: tf.train.adam(0.05),
      seed: 1,
      penalties: [l2(0.05)],
    }).fit(data, opts);
    expect(h.history.penalty!.every((p) => p > 0)).toBe(true);
    const end = 0.05 * (kernelSquares(penalized, 'hidden') + kernelSquares(penalized, 'logits'));
    // The last logged penalty is an epoch mean taken before the last updates: same order.
    expect(h.history.penalty!.at(-1)! / end).toBeGreaterThan(0.8);
    expect(h.history.penalty!.at(-1)! / end).toBeLessThan(1.25);
    expect(kernelSquares(penalized, 'hidden')).toBeLessThan(0.8 * kernelSquares(plain, 'hidden'));
    expect(h.history.valLoss).toBeUndefined();
    plain.dispose();
    penalized.dispose();
  });

  it('per-layer lambdas through asPenalty({ layers }) penalize only their layer', async () => {
    const data = blobs(20, 2);
    const model = classifier(3);
    const term = l1(0.5).asPenalty({ layers: ['hidden'] });
    expect(
      listParameters(model)
        .filter(term.select!)
        .map((p) => p.layerName),
    ).toEqual(['hidden']);
    // lr 0 keeps the weights fixed, so the logged penalty must be exactly 0.5 * sum |W_hidden|.
    const h = await new Trainer({
      model,
      optimizer: tf.train.sgd(0),
      seed: 1,
      penalties: [term],
    }).fit(data, {
      epochs: 1,
      batchSize: 60,
    });
    const expected = tf.tidy(
      () => 0.5 * tf.sum(tf.abs(model.getLayer('hidden').getWeights()[0]!)).dataSync()[0]!,
    );
    expect(h.history.penalty![0]! / expected).toBeCloseTo(1, 5);
    model.dispose();
  });

  it('constraints are applied after every update', async () => {
    const data = blobs(20, 3);
    const model = classifier(4);
    await new Trainer({
      model,
      optimizer: tf.train.adam(0.1),
      seed: 1,
      constraints: [maxNorm({ maxValue: 0.5 }), nonNeg({ layers: ['logits'] })],
    }).fit(data, { epochs: 5, batchSize: 20 });
    const norms = tf.tidy(() =>
      tf.sqrt(tf.sum(tf.square(model.getLayer('hidden').getWeights()[0]!), 0)).dataSync(),
    );
    for (const n of norms) expect(n).toBeLessThanOrEqual(0.5 + 1e-5);
    expect(
      Math.min(...model.getLayer('logits').getWeights()[0]!.dataSync()),
    ).toBeGreaterThanOrEqual(0);
    model.dispose();
  });

  it('decoupled decay runs inside the Trainer step: kernels scale by (1 - lr * wd), biases do not', async () => {
    const data = blobs(10, 7);
    const model = tf.sequential({
      layers: [
        tf.layers.dense({
          units: 3,
          inputShape: [2],
          kernelInitializer: 'ones',
          biasInitializer: 'ones',
        }),
      ],
    });
    // Inner SGD with lr 0 moves nothing: what changes is the decay alone (lr for decay = 0.5).
    const optimizer = decoupledWeightDecay(tf.train.sgd(0), {
      weightDecay: 0.2,
      learningRate: 0.5,
    });
    await new Trainer({ model, optimizer, seed: 1 }).fit(data, { epochs: 1, batchSize: 10 }); // 3 steps
    const [kernel, bias] = model.getWeights().map((w) => Array.from(w.dataSync()));
    for (const k of kernel!) expect(k).toBeCloseTo(0.9 ** 3, 6);
    expect(bias).toEqual([1, 1, 1]);
    model.dispose();
  });

  it('adamw learns in the Trainer', async () => {
    const data = blobs(20, 4);
    const model = classifier(5);
    const h = await new Trainer({
      model,
      optimizer: adamw({ learningRate: 0.05, weightDecay: 0.1 }),
      seed: 1,
    }).fit(data, {
      epochs: 20,
      batchSize: 20,
      validationData: data,
    });
    expect(h.history.valAccuracy!.at(-1)).toBeGreaterThan(0.9);
    model.dispose();
  });

  it('the label-smoothing loss works as the Trainer loss (one-hot targets)', async () => {
    const data = blobs(20, 5);
    const model = classifier(6);
    const h = await new Trainer({
      model,
      optimizer: tf.train.adam(0.05),
      seed: 1,
      loss: labelSmoothingLoss(0.1),
      numClasses: 3,
    }).fit(data, {
      epochs: 15,
      batchSize: 20,
      validationData: data,
    });
    const loss = h.history.loss!;
    expect(loss.at(-1)!).toBeLessThan(loss[0]!);
    // The smoothed optimum is not 0: with eps = 0.1, K = 3 the entropy floor is ~0.27.
    expect(loss.at(-1)!).toBeGreaterThan(0.2);
    expect(h.history.valAccuracy!.at(-1)).toBeGreaterThan(0.9);
    model.dispose();
  });

  it('stochastic layers train in the Trainer and repeat exactly for the same seeds', async () => {
    const run = async () => {
      const data = blobs(20, 6);
      const model = classifier(7, [
        new GaussianNoise({ stddev: 0.1, seed: 1 }),
        new DropConnectDense({ units: 16, rate: 0.3, activation: 'relu', seed: 2 }),
        new Dropout({ rate: 0.2, seed: 3 }),
      ]);
      const h = await new Trainer({ model, optimizer: tf.train.adam(0.05), seed: 1 }).fit(data, {
        epochs: 10,
        batchSize: 20,
        validationData: data,
      });
      const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
      model.dispose();
      return { h, weights };
    };
    const a = await run();
    const b = await run();
    expect(a.h.history.loss!.at(-1)!).toBeLessThan(a.h.history.loss![0]!);
    expect(a.h.history.valAccuracy!.at(-1)).toBeGreaterThan(0.9);
    expect(b.weights).toEqual(a.weights);
  });
});
