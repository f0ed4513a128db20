// Every callback this package registers round-trips through core's serialize / deserialize.
import { type Configurable, deserialize, registered, serialize } from '@overfit/core';
import { describe, expect, it } from 'vitest';
import * as es from './index.js';

const EXAMPLES: Record<string, () => Configurable> = {
  EarlyStopping: () =>
    new es.EarlyStopping({
      monitor: 'valMacroF1',
      patience: 3,
      restoreBestWeights: true,
      baseline: 0.5,
    }),
  ReduceLROnPlateau: () =>
    new es.ReduceLROnPlateau({ factor: 0.5, patience: 2, cooldown: 1, minLr: 1e-5 }),
  BestWeightsKeeper: () => new es.BestWeightsKeeper({ monitor: 'valLoss', mode: 'min' }),
  ModelCheckpoint: () =>
    new es.ModelCheckpoint({
      filepath: 'indexeddb://best-{epoch:03d}-{valMacroF1:.3f}',
      monitor: 'valMacroF1',
      minDelta: 0.01,
      saveWeightsOnly: true,
      initialValueThreshold: 0.5,
    }),
  LearningRateScheduler: () =>
    new es.LearningRateScheduler(new es.OneCycle({ maxLr: 0.1, totalSteps: 20 }), { per: 'batch' }),
  stepDecay: () => new es.StepDecay({ initialLr: 0.1, stepSize: 3, gamma: 0.5 }),
  exponentialDecay: () => new es.ExponentialDecay({ initialLr: 0.1, gamma: 0.9 }),
  cosineDecay: () => new es.CosineDecay({ initialLr: 0.1, totalSteps: 10, warmupSteps: 2 }),
  oneCycle: () => new es.OneCycle({ maxLr: 0.2, totalSteps: 30, pctStart: 0.25 }),
};

describe('serialization through the core registry', () => {
  it('every registered callback and schedule has an example here', () => {
    expect(
      registered()
        .map((e) => e.name)
        .sort(),
    ).toEqual(Object.keys(EXAMPLES).sort());
  });

  for (const [name, make] of Object.entries(EXAMPLES)) {
    it(`${name}: serialize → JSON → deserialize gives the same class and config`, () => {
      const cb = make();
      const json = serialize(cb);
      expect(json.className).toBe(name);
      const back = deserialize<Configurable>(JSON.stringify(json));
      expect(back.constructor).toBe(cb.constructor);
      expect(serialize(back)).toEqual(json);
    });
  }
});
