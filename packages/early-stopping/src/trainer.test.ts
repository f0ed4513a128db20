// The callbacks inside the overfit Trainer: camelCase number logs, model.stopTraining,
// getWeights/setWeights on the model the Trainer trains.
import { Trainer } from '@overfit/training';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { BestWeightsKeeper } from './best-weights.js';
import { EarlyStopping } from './early-stopping.js';
import { getLearningRate } from './learning-rate.js';
import { MissingMonitorError } from './logs.js';
import { ReduceLROnPlateau } from './reduce-lr.js';

/** A 4-128-128-1 MLP, far too big for 16 samples. */
function bigRegressor(): tf.Sequential {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  return tf.sequential({
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
}

/** y = x0 + N(0, 1) noise. */
function noisyLine(n: number, seed: number): { x: tf.Tensor; y: tf.Tensor } {
  return tf.tidy(() => {
    const x = tf.randomNormal([n, 4], 0, 1, 'float32', seed);
    const y = tf.add(
      tf.slice(x, [0, 0], [n, 1]),
      tf.randomNormal([n, 1], 0, 1, 'float32', seed + 100),
    );
    return { x, y };
  });
}

describe('callbacks in the overfit Trainer', () => {
  it('EarlyStopping on valLoss stops the Trainer and restores the best epoch exactly', async () => {
    const train = noisyLine(16, 1);
    const val = noisyLine(64, 2);
    const model = bigRegressor();
    const es = new EarlyStopping({ monitor: 'valLoss', patience: 5, restoreBestWeights: true });
    const trainer = new Trainer({
      model,
      optimizer: tf.train.adam(0.01),
      loss: 'meanSquaredError',
      seed: 1,
      callbacks: [es],
    });
    const history = await trainer.fit(train, {
      epochs: 40,
      batchSize: 16,
      shuffle: false,
      validationData: val,
    });
    const valLoss = history.history.valLoss!;

    expect(history.stopReason).toBe('stopTraining');
    expect(es.stopReason).toBe('patience');
    expect(history.epochs).toHaveLength(es.stoppedEpoch! + 1);
    expect(es.stoppedEpoch).toBe(es.bestEpoch! + 5);
    expect(es.bestValue).toBe(Math.min(...valLoss));
    expect(valLoss.at(-1)!).toBeGreaterThan(es.bestValue! * 1.05);
    const after = await trainer.evaluate(val, { batchSize: 16 });
    expect(after.loss).toBe(es.bestValue);

    model.dispose();
    tf.dispose([train.x, train.y, val.x, val.y]);
  });

  it('BestWeightsKeeper on valMacroF1 (auto: max) and no tensor leaks', async () => {
    const rngData = (n: number, seed: number) =>
      tf.tidy(() => {
        const labels = tf.cast(
          tf.greater(tf.randomUniform([n], 0, 1, 'float32', seed), 0.5),
          'int32',
        );
        const centers = tf.mul(tf.expandDims(tf.sub(tf.cast(labels, 'float32'), 0.5), 1), 2);
        return {
          x: tf.add(centers, tf.randomNormal([n, 2], 0, 1.5, 'float32', seed + 1)),
          y: labels,
        };
      });
    const train = rngData(32, 3);
    const val = rngData(64, 4);
    const model = tf.sequential({
      layers: [
        tf.layers.dense({
          units: 64,
          activation: 'relu',
          inputShape: [2],
          kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }),
        }),
        tf.layers.dense({
          units: 2,
          kernelInitializer: tf.initializers.glorotUniform({ seed: 8 }),
        }),
      ],
    });
    const keeper = new BestWeightsKeeper({ monitor: 'valMacroF1' });
    const es = new EarlyStopping({ monitor: 'valMacroF1', patience: 3, restoreBestWeights: true });
    const trainer = new Trainer({
      model,
      optimizer: tf.train.adam(0.02),
      seed: 2,
      callbacks: [keeper, es],
    });
    await trainer.fit(train, { epochs: 2, batchSize: 16, validationData: val }); // optimizer slots
    keeper.dispose();
    const before = tf.memory().numTensors;

    const history = await trainer.fit(train, { epochs: 15, batchSize: 16, validationData: val });
    const f1 = history.history.valMacroF1!;
    expect(keeper.direction).toBe('max');
    expect(keeper.bestValue).toBe(Math.max(...f1));
    expect(keeper.bestEpoch).toBe(f1.indexOf(keeper.bestValue!));
    expect(es.bestEpoch).toBe(keeper.bestEpoch);
    expect(tf.memory().numTensors).toBe(before + model.getWeights().length); // the keeper's copy
    keeper.restore();
    expect((await trainer.evaluate(val, { batchSize: 16 })).macroF1).toBe(keeper.bestValue);
    keeper.dispose();
    expect(tf.memory().numTensors).toBe(before);

    model.dispose();
    tf.dispose([train.x, train.y, val.x, val.y]);
  });

  it("ReduceLROnPlateau changes the Trainer's optimizer, with the model not compiled (regression)", async () => {
    const train = noisyLine(16, 1);
    const val = noisyLine(64, 2);
    const model = bigRegressor();
    const optimizer = tf.train.adam(0.01);
    const plateau = new ReduceLROnPlateau({ monitor: 'valLoss', factor: 0.5, patience: 2 });
    const trainer = new Trainer({
      model,
      optimizer,
      loss: 'meanSquaredError',
      seed: 1,
      callbacks: [plateau],
    });
    await trainer.fit(train, { epochs: 12, batchSize: 16, shuffle: false, validationData: val });
    expect(plateau.reductions.length).toBeGreaterThan(0);
    expect(plateau.reductions[0]!.from).toBe(0.01);
    expect(getLearningRate(optimizer)).toBe(plateau.reductions.at(-1)!.to);

    model.dispose();
    tf.dispose([train.x, train.y, val.x, val.y]);
  });

  it("callbacks see the Trainer's optimizer even when the model was compiled with another", async () => {
    const train = noisyLine(16, 1);
    const model = bigRegressor();
    model.compile({ optimizer: tf.train.sgd(0.5), loss: 'meanSquaredError' });
    const optimizer = tf.train.adam(0.01);
    const seen: unknown[] = [];
    const trainer = new Trainer({
      model,
      optimizer,
      loss: 'meanSquaredError',
      seed: 1,
      callbacks: [{ setModel: (m) => void seen.push(m.optimizer) }],
    });
    await trainer.fit(train, { epochs: 1, batchSize: 16 });
    expect(seen).toEqual([optimizer]);
    expect(seen[0]).toBe(optimizer);
    model.dispose();
    tf.dispose([train.x, train.y]);
  });

  it('a monitor that cannot exist fails at train begin, before any epoch (regression)', async () => {
    const train = noisyLine(16, 1);
    for (const make of [
      () => new EarlyStopping({ monitor: 'val_loss' }),
      () => new BestWeightsKeeper({ monitor: 'valLoss' }),
      () => new ReduceLROnPlateau({ monitor: 'valLoss' }),
    ]) {
      const model = bigRegressor();
      const before = model.getWeights().map((w) => w.dataSync().slice());
      const epochs: number[] = [];
      const trainer = new Trainer({
        model,
        optimizer: tf.train.adam(0.01),
        loss: 'meanSquaredError',
        seed: 1,
        callbacks: [make(), { onEpochBegin: (e) => void epochs.push(e) }],
      });
      const fit = trainer.fit(train, { epochs: 3, batchSize: 16 }); // no validation data
      await expect(fit).rejects.toThrow(MissingMonitorError);
      await expect(fit).rejects.toThrow(/among the keys this training run will log.*'loss'/);
      expect(epochs).toEqual([]);
      expect(model.getWeights().map((w) => w.dataSync().slice())).toEqual(before);
      model.dispose();
    }
    tf.dispose([train.x, train.y]);
  });

  it('the train-begin check accepts either spelling and the tfjs aliases', async () => {
    const train = noisyLine(16, 1);
    const model = bigRegressor();
    const trainer = new Trainer({
      model,
      optimizer: tf.train.adam(0.01),
      loss: 'meanSquaredError',
      seed: 1,
      callbacks: [
        new EarlyStopping({ monitor: 'val_loss' }),
        new EarlyStopping({ monitor: 'valLoss' }),
      ],
    });
    const h = await trainer.fit(train, { epochs: 1, batchSize: 16, validationData: train });
    expect(h.epochs).toHaveLength(1);
    model.dispose();
    tf.dispose([train.x, train.y]);
  });
});
