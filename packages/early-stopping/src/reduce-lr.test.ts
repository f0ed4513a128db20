import { InvalidArgumentError, OverfitError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getLearningRate } from './learning-rate.js';
import { ReduceLROnPlateau } from './reduce-lr.js';
import { EpochMarkedModel, runScript } from './test-helpers.js';

let model: EpochMarkedModel;
let optimizer: tf.Optimizer;
beforeEach(() => {
  model = new EpochMarkedModel();
  optimizer = tf.train.adam(0.1);
  model.optimizer = optimizer;
});
afterEach(() => {
  model.dispose();
  optimizer.dispose();
});

const flat = (n: number) => Array.from({ length: n }, () => 1);

// Expected schedules below are traced by hand from Keras' ReduceLROnPlateau.on_epoch_end.
describe('ReduceLROnPlateau (scripted sequences)', () => {
  it('reduces after `patience` flat epochs, down to minLr and no further', async () => {
    const plateau = new ReduceLROnPlateau({ factor: 0.5, patience: 2, minLr: 0.02 });
    await runScript(plateau, model, flat(10));
    expect(plateau.reductions).toEqual([
      { epoch: 2, from: 0.1, to: 0.05 },
      { epoch: 4, from: 0.05, to: 0.025 },
      { epoch: 6, from: 0.025, to: 0.02 },
    ]);
    expect(getLearningRate(optimizer)).toBe(0.02);
    expect(model.stopTraining).toBe(false);
  });

  it('cooldown: no counting for `cooldown` epochs after a reduction', async () => {
    const plateau = new ReduceLROnPlateau({ factor: 0.5, patience: 2, cooldown: 2 });
    await runScript(plateau, model, flat(9));
    expect(plateau.reductions.map((r) => r.epoch)).toEqual([2, 5, 8]);
    expect(getLearningRate(optimizer)).toBe(0.1 * 0.5 ** 3);
  });

  it('an improvement resets the wait count', async () => {
    const plateau = new ReduceLROnPlateau({ factor: 0.5, patience: 2 });
    await runScript(plateau, model, [1, 1, 0.5, 0.5, 0.5, 0.5]);
    expect(plateau.reductions.map((r) => r.epoch)).toEqual([4]);
    expect(plateau.bestValue).toBe(0.5);
  });

  it('minDelta (default 1e-4): smaller gains do not count', async () => {
    const plateau = new ReduceLROnPlateau({ factor: 0.5, patience: 2 });
    await runScript(plateau, model, [1, 0.99995, 0.99992, 0.5]);
    expect(plateau.reductions.map((r) => r.epoch)).toEqual([2]);
  });

  it('mode max for an accuracy key', async () => {
    const plateau = new ReduceLROnPlateau({ monitor: 'val_acc', factor: 0.5, patience: 1 });
    await runScript(plateau, model, [0.5, 0.6, 0.7, 0.65], 'val_acc');
    expect(plateau.reductions.map((r) => r.epoch)).toEqual([3]);
  });

  it('resets its state (not the rate) in onTrainBegin', async () => {
    const plateau = new ReduceLROnPlateau({ factor: 0.5, patience: 2 });
    await runScript(plateau, model, [1, 1, 1]);
    expect(plateau.reductions).toHaveLength(1);
    await runScript(plateau, model, [5, 5, 4]);
    expect(plateau.reductions).toEqual([]);
    expect(getLearningRate(optimizer)).toBe(0.05);
  });

  it('fails before training when the model has no optimizer with a learning rate', async () => {
    const plateau = new ReduceLROnPlateau();
    model.optimizer = undefined;
    plateau.setModel(model);
    await expect(plateau.onTrainBegin()).rejects.toThrow(OverfitError);
    await expect(plateau.onTrainBegin()).rejects.toThrow(/no numeric 'learningRate'/);
  });

  it('round-trips its config and rejects bad options', () => {
    const plateau = new ReduceLROnPlateau({
      monitor: 'valLoss',
      factor: 0.2,
      patience: 3,
      cooldown: 1,
      minLr: 1e-5,
      minDelta: 0.01,
      mode: 'min',
    });
    const config = plateau.getConfig();
    expect(ReduceLROnPlateau.fromConfig(config).getConfig()).toEqual(config);
    expect(new ReduceLROnPlateau().getConfig()).toEqual({
      monitor: 'val_loss',
      mode: 'auto',
      factor: 0.1,
      patience: 10,
      minDelta: 1e-4,
      cooldown: 0,
      minLr: 0,
    });
    for (const options of [
      { factor: 1 },
      { factor: 0 },
      { factor: 1.5 },
      { patience: -1 },
      { cooldown: 0.5 },
      { minLr: -1 },
      { minDelta: -1 },
      { mode: 'down' },
      { baseline: 1 },
    ]) {
      expect(() => new ReduceLROnPlateau(options as never), JSON.stringify(options)).toThrow(
        InvalidArgumentError,
      );
    }
  });
});
