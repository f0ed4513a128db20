import { InvalidArgumentError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EarlyStopping } from './early-stopping.js';
import { MissingMonitorError } from './logs.js';
import { EpochMarkedModel, runScript } from './test-helpers.js';

let model: EpochMarkedModel;
beforeEach(() => {
  model = new EpochMarkedModel();
});
afterEach(() => model.dispose());

describe('EarlyStopping stop rules (scripted val_loss sequences)', () => {
  it('patience: stops after `patience` epochs without improvement', async () => {
    const es = new EarlyStopping({ patience: 3 });
    const run = await runScript(es, model, [1, 0.9, 0.95, 0.92, 0.91, 0.8, 0.7]);
    expect(run).toBe(5);
    expect(es.stopReason).toBe('patience');
    expect(es.stoppedEpoch).toBe(4);
    expect(es.bestEpoch).toBe(1);
    expect(es.bestValue).toBe(0.9);
  });

  it('patience 0 (the default) stops at the first epoch that does not improve', async () => {
    const es = new EarlyStopping();
    expect(await runScript(es, model, [1, 0.9, 0.9, 0.5])).toBe(3);
    expect(es.stoppedEpoch).toBe(2);
    expect(es.bestEpoch).toBe(1);
  });

  it('an improvement resets the wait count', async () => {
    const es = new EarlyStopping({ patience: 2 });
    // 1 .9 (w0) .95 (w1) .8 (w0) .85 (w1) .85 (w2: stop)
    expect(await runScript(es, model, [1, 0.9, 0.95, 0.8, 0.85, 0.85, 0.1])).toBe(6);
    expect(es.stoppedEpoch).toBe(5);
    expect(es.bestEpoch).toBe(3);
  });

  it('minDelta: a change of minDelta or less is not an improvement', async () => {
    const loose = new EarlyStopping({ patience: 2 });
    expect(await runScript(loose, model, [1, 0.875, 0.875, 0.5])).toBe(4);
    expect(loose.stopReason).toBe('notStopped');
    expect(loose.bestEpoch).toBe(3);

    const strict = new EarlyStopping({ patience: 2, minDelta: 0.125 });
    // 0.875 is exactly minDelta better than the best (1): not an improvement
    expect(await runScript(strict, model, [1, 0.875, 0.875, 0.5])).toBe(3);
    expect(strict.stopReason).toBe('patience');
    expect(strict.stoppedEpoch).toBe(2);
    expect(strict.bestEpoch).toBe(0);
    expect(strict.bestValue).toBe(1);

    const enough = new EarlyStopping({ patience: 1, minDelta: 0.125 });
    expect(await runScript(enough, model, [1, 0.5, 0.25, 0.2])).toBe(4);
    expect(enough.stoppedEpoch).toBe(3);
    expect(enough.bestEpoch).toBe(2);
  });

  it('mode max (auto for an F1 key) in Trainer-style camelCase logs', async () => {
    const es = new EarlyStopping({ monitor: 'valMacroF1', patience: 1 });
    expect(es.direction).toBe('max');
    expect(await runScript(es, model, [0.5, 0.7, 0.65, 0.9], 'valMacroF1')).toBe(3);
    expect(es.bestEpoch).toBe(1);
    expect(es.bestValue).toBe(0.7);

    const asLoss = new EarlyStopping({ monitor: 'valMacroF1', mode: 'min', patience: 1 });
    expect(await runScript(asLoss, model, [0.5, 0.7, 0.65, 0.9], 'valMacroF1')).toBe(2);
    expect(asLoss.bestEpoch).toBe(0);
  });

  it('baseline: epochs that do not beat it count toward patience even when they improve', async () => {
    // Keras 3: improving epochs count (w1 w2 w3) but never stop; the first flat one does.
    const es = new EarlyStopping({ patience: 2, baseline: 0.5 });
    expect(await runScript(es, model, [0.9, 0.8, 0.7, 0.7, 0.1])).toBe(4);
    expect(es.stopReason).toBe('patience');
    expect(es.stoppedEpoch).toBe(3);
    expect(es.waitCount).toBe(4);
    expect(es.bestEpoch).toBe(2);
    expect(es.bestValue).toBe(0.7);

    const improving = new EarlyStopping({ patience: 2, baseline: 0.5 });
    expect(await runScript(improving, model, [0.9, 0.8, 0.7, 0.6, 0.55])).toBe(5);
    expect(improving.stopReason).toBe('notStopped');
    expect(improving.waitCount).toBe(5);

    const beaten = new EarlyStopping({ patience: 2, baseline: 0.5 });
    // .9 (w1) .4 beats baseline (w0) .45 (w1) .42 (w2: stop)
    expect(await runScript(beaten, model, [0.9, 0.4, 0.45, 0.42, 0.1])).toBe(4);
    expect(beaten.stoppedEpoch).toBe(3);
    expect(beaten.bestEpoch).toBe(1);
  });

  it('startFromEpoch: earlier epochs are ignored, even their best value and missing keys', async () => {
    const es = new EarlyStopping({ patience: 1, startFromEpoch: 3 });
    expect(await runScript(es, model, [5, 1, 2, 3, 4, 5, 6])).toBe(5);
    expect(es.stoppedEpoch).toBe(4);
    expect(es.bestEpoch).toBe(3);
    expect(es.bestValue).toBe(3);

    const early = new EarlyStopping({ startFromEpoch: 1 });
    early.setModel(model);
    await early.onTrainBegin();
    await expect(early.onEpochEnd(0, { loss: 1 })).resolves.toBeUndefined();
    await expect(early.onEpochEnd(1, { loss: 1 })).rejects.toThrow(MissingMonitorError);
  });

  it('stoppingThreshold: stops once the value is strictly better than the threshold', async () => {
    const es = new EarlyStopping({ patience: 10, stoppingThreshold: 0.5 });
    expect(await runScript(es, model, [1, 0.6, 0.5, 0.4, 0.3])).toBe(4);
    expect(es.stopReason).toBe('threshold');
    expect(es.stoppedEpoch).toBe(3);
    expect(es.bestEpoch).toBe(3);

    const acc = new EarlyStopping({ monitor: 'val_acc', patience: 10, stoppingThreshold: 0.95 });
    expect(await runScript(acc, model, [0.5, 0.9, 0.95, 0.97, 0.99], 'val_acc')).toBe(4);
    expect(acc.stopReason).toBe('threshold');
  });

  it('divergenceThreshold: stops once the value is strictly worse than the threshold', async () => {
    const es = new EarlyStopping({ patience: 10, divergenceThreshold: 2 });
    expect(await runScript(es, model, [1, 0.9, 1.5, 2, 2.5, 0.1])).toBe(5);
    expect(es.stopReason).toBe('divergence');
    expect(es.stoppedEpoch).toBe(4);
    expect(es.bestEpoch).toBe(1);

    const acc = new EarlyStopping({ monitor: 'val_acc', patience: 10, divergenceThreshold: 0.2 });
    expect(await runScript(acc, model, [0.5, 0.6, 0.2, 0.1], 'val_acc')).toBe(4);
    expect(acc.stopReason).toBe('divergence');
    expect(acc.stoppedEpoch).toBe(3);
  });

  it('checkFinite: NaN or Infinity stops at once and is never the best', async () => {
    const es = new EarlyStopping({ patience: 10, restoreBestWeights: true });
    expect(await runScript(es, model, [1, 0.5, Number.NaN, 0.1])).toBe(3);
    expect(es.stopReason).toBe('nonFinite');
    expect(es.stoppedEpoch).toBe(2);
    expect(es.bestEpoch).toBe(1);
    expect(model.markedEpoch()).toBe(1);

    const inf = new EarlyStopping({ patience: 10 });
    expect(await runScript(inf, model, [1, Number.POSITIVE_INFINITY, 0.1])).toBe(2);
    expect(inf.stopReason).toBe('nonFinite');

    const off = new EarlyStopping({ patience: 2, checkFinite: false });
    expect(await runScript(off, model, [1, Number.NaN, 0.5, Number.NaN, Number.NaN, 0])).toBe(5);
    expect(off.stopReason).toBe('patience');
    expect(off.bestEpoch).toBe(2);

    const nanFirst = new EarlyStopping({ patience: 5, checkFinite: false });
    await runScript(nanFirst, model, [Number.NaN, 2, 1]);
    expect(nanFirst.bestEpoch).toBe(2);
    expect(nanFirst.bestValue).toBe(1);
  });
});

describe('EarlyStopping best weights', () => {
  it('restores the best epoch when it stops early', async () => {
    const es = new EarlyStopping({ patience: 2, restoreBestWeights: true });
    await runScript(es, model, [3, 1, 2, 2.5, 0]);
    expect(es.stoppedEpoch).toBe(3);
    expect(model.markedEpoch()).toBe(1);
    expect(es.result().restoredBestWeights).toBe(true);
  });

  it('restores the best epoch also when training ran all its epochs', async () => {
    const es = new EarlyStopping({ patience: 10, restoreBestWeights: true });
    expect(await runScript(es, model, [3, 1, 2, 2.5])).toBe(4);
    expect(es.stopReason).toBe('notStopped');
    expect(model.markedEpoch()).toBe(1);
  });

  it('leaves the last weights when restoreBestWeights is off', async () => {
    const es = new EarlyStopping({ patience: 2 });
    await runScript(es, model, [3, 1, 2, 2.5, 0]);
    expect(model.markedEpoch()).toBe(3);
    expect(es.result().restoredBestWeights).toBe(false);
  });

  it('holds one copy at a time and frees it at the end of training', async () => {
    const es = new EarlyStopping({ patience: 10, restoreBestWeights: true });
    await runScript(es, model, [1, 0.5]); // warm-up: tfjs may cache scalars on first use
    const before = tf.memory().numTensors;
    es.setModel(model);
    await es.onTrainBegin();
    for (let epoch = 0; epoch < 4; epoch++) {
      model.mark(epoch);
      await es.onEpochEnd(epoch, { val_loss: 10 - epoch });
      expect(tf.memory().numTensors).toBe(before + 1);
    }
    await es.onTrainEnd();
    expect(tf.memory().numTensors).toBe(before);
    for (let i = 0; i < 3; i++) await runScript(es, model, [3, 1, 2, 0.5, 0.7]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('EarlyStopping state and logs', () => {
  it('resets its state in onTrainBegin, so one instance serves two runs', async () => {
    const es = new EarlyStopping({ patience: 1, restoreBestWeights: true });
    await runScript(es, model, [1, 0.5, 0.7]);
    expect([es.stopReason, es.stoppedEpoch, es.bestEpoch, es.bestValue]).toEqual([
      'patience',
      2,
      1,
      0.5,
    ]);
    // the second run is worse everywhere than the first run's best: it must not be compared with it
    await runScript(es, model, [4, 3, 2]);
    expect([es.stopReason, es.stoppedEpoch, es.bestEpoch, es.bestValue]).toEqual([
      'notStopped',
      undefined,
      2,
      2,
    ]);
    expect(model.markedEpoch()).toBe(2);
  });

  it('reads val_loss from Trainer logs spelled valLoss, and scalar tensors from model.fit', async () => {
    const es = new EarlyStopping({ patience: 0 });
    expect(await runScript(es, model, [1, 0.5, 0.7], 'valLoss')).toBe(3);
    expect(es.bestValue).toBe(0.5);

    const scalar = tf.scalar(0.25);
    es.setModel(model);
    await es.onTrainBegin();
    await es.onEpochEnd(0, { val_loss: scalar });
    expect(es.bestValue).toBe(0.25);
    expect(scalar.isDisposed).toBe(false); // model.fit's History still needs it
    scalar.dispose();
  });

  it('names the missing key and the keys present', async () => {
    const es = new EarlyStopping({ monitor: 'val_loss' });
    es.setModel(model);
    await es.onTrainBegin();
    const error = await es.onEpochEnd(0, { loss: 1, acc: 0.5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingMonitorError);
    expect((error as Error).message).toContain("'val_loss'");
    expect((error as Error).message).toContain("'loss', 'acc'");
  });

  it('reports its outcome as plain JSON', async () => {
    const es = new EarlyStopping({ patience: 1, restoreBestWeights: true });
    await runScript(es, model, [1, 0.5, 0.7]);
    const result = es.result();
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
    expect(result).toMatchObject({
      monitor: 'val_loss',
      direction: 'min',
      stopReason: 'patience',
      stoppedEpoch: 2,
      bestEpoch: 1,
      bestValue: 0.5,
      restoredBestWeights: true,
    });
    // Indices from 0, the sentence counts from 1 as training logs do.
    expect(result.message).toContain('stopped at epoch 3');
    expect(result.message).toContain('val_loss = 0.5 at epoch 2');
  });

  it('round-trips its config', () => {
    const es = new EarlyStopping({
      monitor: 'valMacroF1',
      patience: 4,
      minDelta: 0.01,
      baseline: 0.3,
      restoreBestWeights: true,
      startFromEpoch: 2,
      stoppingThreshold: 0.99,
      divergenceThreshold: 0.05,
      checkFinite: false,
    });
    const config = es.getConfig();
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
    expect(EarlyStopping.fromConfig(config).getConfig()).toEqual(config);
    expect(new EarlyStopping().getConfig()).toEqual({
      monitor: 'val_loss',
      mode: 'auto',
      minDelta: 0,
      patience: 0,
      baseline: null,
      restoreBestWeights: false,
      startFromEpoch: 0,
      stoppingThreshold: null,
      divergenceThreshold: null,
      checkFinite: true,
    });
  });

  it('rejects bad options before anything starts', () => {
    const bad: Record<string, unknown>[] = [
      { patience: -1 },
      { patience: 1.5 },
      { mode: 'up' },
      { minDelta: -0.1 },
      { minDelta: Number.NaN },
      { baseline: Number.NaN },
      { stoppingThreshold: 'low' },
      { divergenceThreshold: Number.POSITIVE_INFINITY },
      { restoreBestWeights: 'yes' },
      { checkFinite: 1 },
      { startFromEpoch: -2 },
      { monitor: '' },
      { patient: 3 },
    ];
    for (const options of bad) {
      expect(() => new EarlyStopping(options as never), JSON.stringify(options)).toThrow(
        InvalidArgumentError,
      );
    }
    expect(() => new EarlyStopping({ patience: -1 })).toThrow(
      'patience must be an integer >= 0, got -1',
    );
    expect(() => new EarlyStopping({ patient: 3 } as never)).toThrow(/patient/);
  });

  it('rejects a model without getWeights/setWeights and training without a model', async () => {
    const es = new EarlyStopping();
    expect(() => es.setModel({} as never)).toThrow(InvalidArgumentError);
    await expect(es.onEpochEnd(0, { val_loss: 1 })).rejects.toThrow(/setModel/);
  });
});
