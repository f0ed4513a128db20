import { InvalidArgumentError, OverfitError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BestWeightsKeeper } from './best-weights.js';
import { EpochMarkedModel, runScript } from './test-helpers.js';

let model: EpochMarkedModel;
beforeEach(() => {
  model = new EpochMarkedModel();
});
afterEach(() => model.dispose());

describe('BestWeightsKeeper', () => {
  it('keeps the weights of the best epoch and restores them on demand', async () => {
    const keeper = new BestWeightsKeeper();
    expect(await runScript(keeper, model, [3, 2, 2.5, 1, 1.5])).toBe(5);
    expect(model.stopTraining).toBe(false);
    expect(model.markedEpoch()).toBe(4); // training itself is untouched
    expect([keeper.bestEpoch, keeper.bestValue, keeper.hasWeights]).toEqual([3, 1, true]);
    keeper.restore();
    expect(model.markedEpoch()).toBe(3);
    model.mark(7);
    keeper.restore(); // the copy stays until disposed
    expect(model.markedEpoch()).toBe(3);
    keeper.dispose();
    expect(keeper.hasWeights).toBe(false);
  });

  it('restores into another model given explicitly', async () => {
    const keeper = new BestWeightsKeeper({ monitor: 'val_acc' });
    await runScript(keeper, model, [0.5, 0.9, 0.7], 'val_acc');
    const other = new EpochMarkedModel();
    keeper.restore(other);
    expect(other.markedEpoch()).toBe(1);
    other.dispose();
    keeper.dispose();
  });

  it('baseline: keeps nothing until the value beats it', async () => {
    const keeper = new BestWeightsKeeper({ baseline: 1.8 });
    await runScript(keeper, model, [3, 2, 2.5, 1, 1.5]);
    expect(keeper.bestEpoch).toBe(3);
    keeper.dispose();

    const never = new BestWeightsKeeper({ baseline: 0.5 });
    await runScript(never, model, [3, 2, 1]);
    expect(never.hasWeights).toBe(false);
    expect(never.bestEpoch).toBeUndefined();
    expect(() => never.restore()).toThrow(OverfitError);
    expect(() => never.restore()).toThrow(/never improved on baseline 0.5/);
  });

  it('resets per run by default, or keeps the best across runs', async () => {
    const perRun = new BestWeightsKeeper();
    await runScript(perRun, model, [1, 0.5, 0.7]);
    await runScript(perRun, model, [4, 3, 2]);
    expect([perRun.bestEpoch, perRun.bestValue]).toEqual([2, 2]);
    perRun.dispose();

    const across = new BestWeightsKeeper({ resetOnTrainBegin: false });
    await runScript(across, model, [1, 0.5, 0.7]);
    await runScript(across, model, [4, 3, 2]);
    expect([across.bestEpoch, across.bestValue]).toEqual([1, 0.5]);
    across.restore();
    expect(model.markedEpoch()).toBe(1);
    across.dispose();
  });

  it('holds one copy at a time and frees it on dispose', async () => {
    const keeper = new BestWeightsKeeper();
    await runScript(keeper, model, [1, 0.5]);
    keeper.dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      await runScript(keeper, model, [5, 4, 3, 2, 1]);
      expect(tf.memory().numTensors).toBe(before + 1);
    }
    keeper.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('round-trips its config and rejects bad options', () => {
    const keeper = new BestWeightsKeeper({
      monitor: 'valMacroF1',
      minDelta: 0.01,
      baseline: 0.2,
      resetOnTrainBegin: false,
    });
    expect(keeper.direction).toBe('max');
    const config = keeper.getConfig();
    expect(BestWeightsKeeper.fromConfig(config).getConfig()).toEqual(config);
    for (const options of [
      { baseline: Number.NaN },
      { minDelta: -1 },
      { resetOnTrainBegin: 'no' },
      { patience: 2 },
    ]) {
      expect(() => new BestWeightsKeeper(options as never), JSON.stringify(options)).toThrow(
        InvalidArgumentError,
      );
    }
  });
});
