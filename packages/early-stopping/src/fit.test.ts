// The callbacks inside tfjs-layers' own model.fit: real training, real logs (scalar tensors,
// snake_case keys), model.stopTraining, getWeights/setWeights on a LayersModel.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { BestWeightsKeeper } from './best-weights.js';
import { EarlyStopping } from './early-stopping.js';
import { getLearningRate } from './learning-rate.js';
import { ReduceLROnPlateau } from './reduce-lr.js';

/** A 4-128-128-1 MLP: far too big for 16 samples, so it memorizes their noise. */
function bigRegressor(optimizer: tf.Optimizer = tf.train.adam(0.01)): tf.Sequential {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        units: 128,
        activation: 'relu',
        inputShape: [4],
        kernelInitializer: init(1),
      }),
      tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: init(2) }),
      tf.layers.dense({ units: 1, kernelInitializer: init(3) }),
    ],
  });
  model.compile({ optimizer, loss: 'meanSquaredError' });
  return model;
}

/** y = x0 + N(0, 1) noise: half of the target variance is noise, which the net fits in training. */
function noisyLine(n: number, seed: number): [tf.Tensor, tf.Tensor] {
  return tf.tidy(() => {
    const x = tf.randomNormal([n, 4], 0, 1, 'float32', seed);
    const y = tf.add(
      tf.slice(x, [0, 0], [n, 1]),
      tf.randomNormal([n, 1], 0, 1, 'float32', seed + 100),
    );
    return [x, y];
  });
}

/** Two gaussian blobs, labels one-hot: for accuracy keys. */
function blobs(n: number, seed: number): [tf.Tensor, tf.Tensor] {
  return tf.tidy(() => {
    const labels = tf.cast(tf.greater(tf.randomUniform([n], 0, 1, 'float32', seed), 0.5), 'int32');
    const centers = tf.mul(tf.expandDims(tf.sub(tf.cast(labels, 'float32'), 0.5), 1), 2);
    const x = tf.add(centers, tf.randomNormal([n, 2], 0, 1, 'float32', seed + 1));
    return [x, tf.oneHot(labels, 2)];
  });
}

/** model.fit evaluates validation data in batches of fit's batchSize: evaluate the same way. */
const valLossOf = (model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, batchSize = 16): number => {
  const out = model.evaluate(x, y, { batchSize }) as tf.Scalar;
  const value = out.dataSync()[0]!;
  out.dispose();
  return value;
};

describe('EarlyStopping in model.fit', () => {
  it('stops when validation loss rises and restores the best epoch exactly', async () => {
    const [x, y] = noisyLine(16, 1);
    const [xv, yv] = noisyLine(64, 2);
    const model = bigRegressor();
    const es = new EarlyStopping({ monitor: 'val_loss', patience: 5, restoreBestWeights: true });
    const history = await model.fit(x, y, {
      epochs: 40,
      batchSize: 16,
      shuffle: false,
      validationData: [xv, yv],
      callbacks: [es],
      verbose: 0,
    });
    const valLoss = history.history.val_loss as number[];

    expect(es.stopReason).toBe('patience');
    expect(es.stoppedEpoch).toBe(es.bestEpoch! + 5);
    expect(history.epoch).toHaveLength(es.stoppedEpoch! + 1);
    expect(es.bestValue).toBe(Math.min(...valLoss));
    expect(es.bestValue).toBe(valLoss[es.bestEpoch!]);
    // validation loss did rise: the last epoch is clearly worse than the best one
    expect(valLoss.at(-1)!).toBeGreaterThan(es.bestValue! * 1.05);
    // the restored weights give the best epoch's validation loss, bit for bit
    expect(valLossOf(model, xv, yv)).toBe(es.bestValue);
    expect(es.result().restoredBestWeights).toBe(true);

    // one instance, second fit: state from the first run is gone
    const second = await model.fit(x, y, {
      epochs: 8,
      batchSize: 16,
      shuffle: false,
      validationData: [xv, yv],
      callbacks: [es],
      verbose: 0,
    });
    const secondLoss = second.history.val_loss as number[];
    expect(es.bestValue).toBe(Math.min(...secondLoss));
    expect(es.bestEpoch).toBe(secondLoss.indexOf(es.bestValue!));
    expect(valLossOf(model, xv, yv)).toBe(es.bestValue);

    model.dispose();
    tf.dispose([x, y, xv, yv]);
  });

  it('leaks no tensor: numTensors after fit equals before (model and optimizer state aside)', async () => {
    const [x, y] = noisyLine(16, 1);
    const [xv, yv] = noisyLine(64, 2);
    const model = bigRegressor();
    const fitArgs = {
      epochs: 2,
      batchSize: 16,
      shuffle: false,
      validationData: [xv, yv] as [tf.Tensor, tf.Tensor],
      verbose: 0 as const,
    };
    await model.fit(x, y, fitArgs); // creates Adam's slot variables
    const before = tf.memory().numTensors;
    const es = new EarlyStopping({ patience: 2, restoreBestWeights: true });
    const plateau = new ReduceLROnPlateau({ patience: 1, factor: 0.5 });
    await model.fit(x, y, { ...fitArgs, epochs: 12, callbacks: [es, plateau] });
    expect(es.result().restoredBestWeights).toBe(true);
    expect(tf.memory().numTensors).toBe(before);

    const keeper = new BestWeightsKeeper();
    await model.fit(x, y, { ...fitArgs, epochs: 3, callbacks: [keeper] });
    expect(tf.memory().numTensors).toBe(before + model.getWeights().length);
    keeper.dispose();
    expect(tf.memory().numTensors).toBe(before);

    model.dispose();
    tf.dispose([x, y, xv, yv]);
  });

  it('monitors training loss with a stopping threshold and val_acc (auto: max) with a keeper', async () => {
    const [x, y] = blobs(64, 3);
    const [xv, yv] = blobs(64, 4);
    const model = tf.sequential({
      layers: [
        tf.layers.dense({
          units: 16,
          activation: 'relu',
          inputShape: [2],
          kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }),
        }),
        tf.layers.dense({
          units: 2,
          activation: 'softmax',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 6 }),
        }),
      ],
    });
    model.compile({
      optimizer: tf.train.adam(0.05),
      loss: 'categoricalCrossentropy',
      metrics: ['accuracy'],
    });
    const es = new EarlyStopping({ monitor: 'loss', patience: 100, stoppingThreshold: 0.3 });
    const keeper = new BestWeightsKeeper({ monitor: 'val_acc' });
    const fitted = await model.fit(x, y, {
      epochs: 60,
      batchSize: 32,
      shuffle: false,
      validationData: [xv, yv],
      callbacks: [es, keeper, new tf.CustomCallback({ onEpochEnd: async () => {} })],
      verbose: 0,
    });
    const loss = fitted.history.loss as number[];
    const valAcc = fitted.history.val_acc as number[];
    expect(Object.keys(fitted.history).sort()).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);

    expect(es.stopReason).toBe('threshold');
    expect(fitted.epoch).toHaveLength(es.stoppedEpoch! + 1);
    expect(loss.at(-1)!).toBeLessThan(0.3);
    expect(loss.slice(0, -1).every((v) => v >= 0.3)).toBe(true);

    expect(keeper.direction).toBe('max');
    expect(keeper.bestValue).toBe(Math.max(...valAcc));
    expect(keeper.bestEpoch).toBe(valAcc.indexOf(keeper.bestValue!));
    keeper.restore();
    const acc = model.evaluate(xv, yv, { batchSize: 32 }) as tf.Scalar[];
    expect(acc[1]!.dataSync()[0]).toBe(keeper.bestValue);
    tf.dispose(acc);
    keeper.dispose();

    model.dispose();
    tf.dispose([x, y, xv, yv]);
  });
});

describe('ReduceLROnPlateau in model.fit', () => {
  it("lowers the compiled optimizer's rate when validation loss stops improving", async () => {
    const [x, y] = noisyLine(16, 1);
    const [xv, yv] = noisyLine(64, 2);
    const optimizer = tf.train.adam(0.01);
    const model = bigRegressor(optimizer);
    const plateau = new ReduceLROnPlateau({ monitor: 'val_loss', factor: 0.5, patience: 2 });
    const history = await model.fit(x, y, {
      epochs: 12,
      batchSize: 16,
      shuffle: false,
      validationData: [xv, yv],
      callbacks: [plateau],
      verbose: 0,
    });
    const valLoss = history.history.val_loss as number[];
    expect(plateau.reductions.length).toBeGreaterThan(0);
    // epoch 1 is the best of the first epochs; 2 and 3 do not improve on it: first cut at 3
    expect(valLoss[2]!).toBeGreaterThan(valLoss[1]!);
    expect(valLoss[3]!).toBeGreaterThan(valLoss[1]!);
    expect(plateau.reductions[0]).toEqual({ epoch: 3, from: 0.01, to: 0.005 });
    for (let i = 1; i < plateau.reductions.length; i++) {
      expect(plateau.reductions[i]!.from).toBe(plateau.reductions[i - 1]!.to);
      expect(
        plateau.reductions[i]!.epoch - plateau.reductions[i - 1]!.epoch,
      ).toBeGreaterThanOrEqual(2);
    }
    expect(getLearningRate(optimizer)).toBe(plateau.reductions.at(-1)!.to);
    model.dispose();
    tf.dispose([x, y, xv, yv]);
  });
});
