import { InvalidArgumentError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { testBackend } from '../../../../test/backend.js';
import { formatClassificationReport } from './report.js';
import {
  Accuracy,
  ClassificationReport,
  ConfusionMetric,
  F1Score,
  FBetaScore,
  Precision,
  Recall,
} from './streaming.js';

const T = [0, 1, 2, 2, 1, 0];
const P = [0, 2, 2, 1, 1, 1];

describe(`streaming metrics [${testBackend}]`, () => {
  it('Accuracy accumulates over batches and resets', async () => {
    const acc = new Accuracy({ numClasses: 3 });
    expect(await acc.compute()).toBe(0); // nothing seen: zeroDivision 0
    acc.update(T.slice(0, 3), P.slice(0, 3)); // 2 of 3 right
    const t = tf.tensor1d(T.slice(3), 'int32');
    const p = tf.oneHot(tf.tensor1d(P.slice(3), 'int32'), 3);
    acc.update(t, p); // 1 of 3 right
    expect(await acc.compute()).toBe(0.5);
    expect(await acc.confusion()).toEqual([
      [1, 1, 0],
      [0, 1, 1],
      [0, 1, 1],
    ]);
    acc.reset();
    acc.update(T, T);
    expect(await acc.compute()).toBe(1);
    acc.dispose();
    tf.dispose([t, p]);
  });

  it('averaged metrics type and compute per average', async () => {
    const perClass: number[] = await (() => {
      const m = new Precision({ numClasses: 3, average: 'none' });
      m.update(T, P);
      return m.compute().finally(() => m.dispose());
    })();
    expect(perClass).toEqual([1, 1 / 3, 0.5]);
    const recall = new Recall({ numClasses: 3 });
    const f1 = new F1Score({ numClasses: 3, average: 'micro' });
    const f2 = new FBetaScore({ numClasses: 3, beta: 2, average: 'none' });
    for (const m of [recall, f1, f2]) m.update(T, P);
    const macroRecall: number = await recall.compute();
    expect(macroRecall).toBe(0.5);
    expect(await f1.compute()).toBe(0.5);
    expect(await f2.compute()).toEqual([5 / 9, 5 / 11, 5 / 10]);
    for (const m of [recall, f1, f2]) m.dispose();
  });

  it('leak no tensors over repeated update / compute', async () => {
    const t = tf.tensor1d(T, 'int32');
    const p = tf.oneHot(tf.tensor1d(P, 'int32'), 3);
    const before = tf.memory().numTensors;
    const metrics = [
      new Accuracy({ numClasses: 3 }),
      new F1Score({ numClasses: 3 }),
      new ClassificationReport({ numClasses: 3 }),
    ];
    for (const m of metrics) m.update(t, p);
    const withState = tf.memory().numTensors;
    for (let i = 0; i < 4; i++) {
      for (const m of metrics) {
        m.update(t, p);
        await m.compute();
      }
      expect(tf.memory().numTensors).toBe(withState);
    }
    for (const m of metrics) m.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([t, p]);
  });

  it('round-trip their configs and validate options', async () => {
    const f2 = new FBetaScore({ numClasses: 4, beta: 2, average: 'weighted', zeroDivision: 1 });
    expect(f2.getConfig()).toEqual({
      numClasses: 4,
      beta: 2,
      average: 'weighted',
      zeroDivision: 1,
    });
    expect(FBetaScore.fromConfig(f2.getConfig()).getConfig()).toEqual(f2.getConfig());
    expect(new F1Score({ numClasses: 3 }).getConfig()).toEqual({
      numClasses: 3,
      average: 'macro',
      zeroDivision: 0,
    });
    expect(Precision.fromConfig({ numClasses: 2 }).average).toBe('macro');
    expect(Recall.fromConfig({ numClasses: 2, average: 'none' }).average).toBe('none');
    expect(F1Score.fromConfig({ numClasses: 2 }).numClasses).toBe(2);
    expect(Accuracy.fromConfig(new Accuracy({ numClasses: 5 }).getConfig()).numClasses).toBe(5);
    const report = new ClassificationReport({
      numClasses: 2,
      targetNames: ['no', 'yes'],
      digits: 3,
    });
    const config = report.getConfig();
    expect(config).toEqual({
      numClasses: 2,
      targetNames: ['no', 'yes'],
      digits: 3,
      zeroDivision: 0,
    });
    const copy = ClassificationReport.fromConfig(JSON.parse(JSON.stringify(config)));
    copy.update([0, 1, 1], [0, 1, 0]);
    expect(formatClassificationReport(await copy.compute()).split('\n')[2]).toBe(
      '          no      0.500     1.000     0.667         1',
    );
    const bad: [() => unknown, RegExp][] = [
      [() => new F1Score({ numClasses: 3, average: 'samples' as never }), /options\.average/],
      [() => new FBetaScore({ numClasses: 3, beta: Number.NaN }), /options\.beta/],
      [() => new Precision({ numClasses: 3, beta: 1 } as never), /options\.beta/],
      [() => new Accuracy({ numClasses: 1 }), /options\.numClasses/],
      [() => new Recall(undefined as never), /options must be an options object/],
      [
        () => new ClassificationReport({ numClasses: 2, targetNames: ['a', 2] as never }),
        /options\.targetNames/,
      ],
    ];
    for (const [make, message] of bad) {
      expect(make).toThrow(message);
      expect(make).toThrow(InvalidArgumentError);
    }
  });

  it('ConfusionMetric supports a custom metric (balanced accuracy, as in its TSDoc)', async () => {
    class BalancedAccuracy extends ConfusionMetric<number> {
      protected score(cm: number[][]): number {
        return (
          cm.reduce(
            (a, row, i) =>
              a +
              row[i]! /
                Math.max(
                  1,
                  row.reduce((s, v) => s + v, 0),
                ),
            0,
          ) / cm.length
        );
      }
    }
    const m = new BalancedAccuracy(3);
    m.update([0, 0, 0, 1, 2], [0, 0, 1, 1, 0]); // recalls 2/3, 1, 0
    expect(await m.compute()).toBeCloseTo(5 / 9, 15);
    m.dispose();
    expect(() => new BalancedAccuracy(1)).toThrow(InvalidArgumentError);
  });
});
