import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { tolerance } from '../../../../test/backend.js';
import { l2 } from '../penalties.js';
import { drawTraining, maxRelError, momentsMatch } from '../test-helpers.js';
import { DropConnectDense } from './dropconnect.js';

describe('DropConnectDense', () => {
  const W = [
    [0.5, -1, 2],
    [1.5, 0.25, -0.5],
    [-2, 1, 1],
    [0.75, 0.5, -1.25],
  ];
  const B = [0.1, -0.2, 0.3];
  const X = [[1, -2, 0.5, 3]];

  function layerWithWeights(rate: number, seed = 1) {
    const layer = new DropConnectDense({ units: 3, rate, seed, inputShape: [4] });
    layer.apply(tf.zeros([1, 4]));
    layer.setWeights([tf.tensor(W), tf.tensor(B)]);
    return layer;
  }

  it('is exact in expectation: mean xW + b, variance rate/(1-rate) * sum_i x_i^2 W_ij^2', () => {
    const rate = 0.3;
    const layer = layerWithWeights(rate);
    const mean = [0, 1, 2].map((j) => X[0]!.reduce((s, x, i) => s + x * W[i]![j]!, B[j]!));
    const variance = [0, 1, 2].map(
      (j) => (rate / (1 - rate)) * X[0]!.reduce((s, x, i) => s + x * x * W[i]![j]! ** 2, 0),
    );
    const check = momentsMatch(drawTraining(layer, tf.tensor(X), 1500), mean, variance);
    expect(check.meanOk, `variance ratio ${check.varianceRatio}`).toBe(true);
  });

  it('drops weights, not activations: one mask per step, shared by the batch', () => {
    const layer = layerWithWeights(0.5);
    const y = (
      layer.apply(tf.tensor([X[0]!, X[0]!, X[0]!]), { training: true }) as tf.Tensor
    ).arraySync() as number[][];
    expect(y[1]).toEqual(y[0]);
    expect(y[2]).toEqual(y[0]);
  });

  it('is a plain dense layer at inference, for rank-2 and rank-3 inputs', () => {
    const layer = new DropConnectDense({
      units: 3,
      rate: 0.5,
      activation: 'relu',
      seed: 1,
      inputShape: [4],
    });
    layer.apply(tf.zeros([1, 4]));
    layer.setWeights([tf.tensor(W), tf.tensor(B)]);
    const x = tf.randomNormal([2, 5, 4], 0, 1, 'float32', 2);
    const expected = tf.relu(tf.add(tf.matMul(tf.reshape(x, [10, 4]), tf.tensor(W)), tf.tensor(B)));
    const got = layer.apply(x) as tf.Tensor;
    expect(got.shape).toEqual([2, 5, 3]);
    expect(maxRelError(got.dataSync(), expected.dataSync())).toBeLessThan(tolerance);
  });

  it('trains inside model.fit with a kernel regularizer', async () => {
    const model = tf.sequential({
      layers: [
        new DropConnectDense({
          units: 8,
          rate: 0.2,
          activation: 'tanh',
          seed: 3,
          inputShape: [2],
          kernelRegularizer: l2(1e-3),
        }),
        tf.layers.dense({
          units: 1,
          kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }),
        }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(0.05), loss: 'meanSquaredError' });
    const x = tf.randomUniform([64, 2], -1, 1, 'float32', 5);
    const y = tf.sum(x, 1, true);
    const history = await model.fit(x, y, { epochs: 40, verbose: 0 });
    const losses = history.history.loss as number[];
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! / 3);
    // The regularizer's term is part of the model's losses: 1e-3 * sum W^2.
    const kernel = model.layers[0]!.getWeights()[0]!;
    const [penalty] = model.calculateLosses();
    expect(penalty!.dataSync()[0]).toBeCloseTo(1e-3 * tf.sum(tf.square(kernel)).dataSync()[0]!, 6);
    model.dispose();
  });

  it('validates its arguments before building', () => {
    expect(() => new DropConnectDense({ units: 0, rate: 0.1 })).toThrow(
      'units must be an integer >= 1, got 0',
    );
    expect(() => new DropConnectDense({ units: 2, rate: 1 })).toThrow(
      /rate must be a number in \[0, 1\)/,
    );
    expect(
      () => new DropConnectDense({ units: 2, rate: 0.1, activation: 'gelu' as never }),
    ).toThrow(/activation must be one of/);
  });

  it('leaks no tensors', () => {
    const layer = layerWithWeights(0.4);
    const x = tf.tensor(X);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.dispose(layer.apply(x, { training: true }) as tf.Tensor);
    expect(tf.memory().numTensors).toBe(before);
  });
});
