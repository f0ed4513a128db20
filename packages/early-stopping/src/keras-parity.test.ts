import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EarlyStopping, type EarlyStoppingArgs } from './early-stopping.js';
import { getLearningRate } from './learning-rate.js';
import { ReduceLROnPlateau, type ReduceLROnPlateauArgs } from './reduce-lr.js';
import { EpochMarkedModel, runScript } from './test-helpers.js';

// Reference runs of Keras 3's callbacks (their code transcribed line for line at a pinned
// commit), produced by fixtures/make_keras_callbacks.py.
type Value = number | 'NaN';
interface EsCase {
  name: string;
  args: Record<string, unknown>;
  values: Value[];
  keras: {
    epochsRun: number;
    stoppedEpoch: number | null;
    bestEpoch: number;
    best: number | null;
    wait: number;
    finalWeightsEpoch: number;
  };
}
interface PlateauCase {
  name: string;
  args: Record<string, unknown>;
  initialLr: number;
  values: Value[];
  keras: {
    reductions: { epoch: number; from: number; to: number }[];
    finalLr: number;
    best: number | null;
  };
}
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/keras_callbacks.json', import.meta.url), 'utf8'),
) as { keras: string; earlyStopping: EsCase[]; reduceLROnPlateau: PlateauCase[] };

const values = (vs: Value[]) => vs.map((v) => (v === 'NaN' ? Number.NaN : v));
const camel = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
function ourArgs(args: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(args).map(([k, v]) => [camel(k), v]));
}
// Keras' learning rate is a float32 variable; ours a JS number.
const closeF32 = (a: number, b: number) =>
  expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThanOrEqual(1e-6 * Math.abs(b));

let model: EpochMarkedModel;
beforeEach(() => {
  model = new EpochMarkedModel();
});
afterEach(() => model.dispose());

describe(`EarlyStopping vs ${fixture.keras}`, () => {
  for (const c of fixture.earlyStopping) {
    it(c.name, async () => {
      // Keras has no non-finite rule: NaN cases run with checkFinite off.
      const es = new EarlyStopping({ ...ourArgs(c.args), checkFinite: false } as EarlyStoppingArgs);
      expect(await runScript(es, model, values(c.values))).toBe(c.keras.epochsRun);
      expect(es.stoppedEpoch ?? null).toBe(c.keras.stoppedEpoch);
      expect(es.stopReason).toBe(c.keras.stoppedEpoch === null ? 'notStopped' : 'patience');
      expect(es.bestEpoch).toBe(c.keras.bestEpoch);
      expect(es.bestValue ?? null).toBe(c.keras.best);
      expect(es.waitCount).toBe(c.keras.wait);
      expect(model.markedEpoch()).toBe(c.keras.finalWeightsEpoch);
    });
  }
});

describe(`ReduceLROnPlateau vs ${fixture.keras}`, () => {
  for (const c of fixture.reduceLROnPlateau) {
    it(c.name, async () => {
      const optimizer = tf.train.sgd(c.initialLr);
      model.optimizer = optimizer;
      const plateau = new ReduceLROnPlateau(ourArgs(c.args) as ReduceLROnPlateauArgs);
      await runScript(plateau, model, values(c.values));
      expect(plateau.reductions.map((r) => r.epoch)).toEqual(
        c.keras.reductions.map((r) => r.epoch),
      );
      plateau.reductions.forEach((r, i) => {
        closeF32(r.from, c.keras.reductions[i]!.from);
        closeF32(r.to, c.keras.reductions[i]!.to);
      });
      closeF32(getLearningRate(optimizer), c.keras.finalLr);
      expect(plateau.bestValue ?? null).toBe(c.keras.best);
      optimizer.dispose();
    });
  }
});
