// Every metric this package registers round-trips through core's serialize / deserialize.
import { type Configurable, deserialize, registered, serialize } from '@overfit/core';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import * as m from '../index.js';

const EXAMPLES: Record<string, () => Configurable & m.ConfusionMetric<unknown>> = {
  Accuracy: () => new m.Accuracy({ numClasses: 3 }),
  Precision: () => new m.Precision({ numClasses: 3, average: 'none', zeroDivision: 1 }),
  Recall: () => new m.Recall({ numClasses: 3, average: 'weighted' }),
  F1Score: () => new m.F1Score({ numClasses: 3 }),
  FBetaScore: () => new m.FBetaScore({ numClasses: 3, beta: 2, average: 'micro' }),
  ClassificationReport: () =>
    new m.ClassificationReport({ numClasses: 3, targetNames: ['a', 'b', 'c'] }),
};

describe('serialization through the core registry', () => {
  it('every registered metric has an example here', () => {
    expect(
      registered()
        .map((e) => e.name)
        .sort(),
    ).toEqual(Object.keys(EXAMPLES).sort());
  });

  for (const [name, make] of Object.entries(EXAMPLES)) {
    it(`${name}: round-trips and the copy computes the same value`, async () => {
      const metric = make();
      const json = serialize(metric);
      expect(json.className).toBe(name);
      const back = deserialize<m.ConfusionMetric<unknown> & Configurable>(
        JSON.stringify(json),
        'metric',
      );
      expect(back.constructor).toBe(metric.constructor);
      expect(serialize(back)).toEqual(json);
      const yTrue = tf.tensor1d([0, 1, 2, 2, 1], 'int32');
      const yPred = tf.tensor1d([0, 2, 2, 1, 1], 'int32');
      for (const x of [metric, back]) x.update(yTrue, yPred);
      expect(await back.compute()).toEqual(await metric.compute());
      tf.dispose([yTrue, yPred]);
      metric.dispose();
      back.dispose();
    });
  }
});
