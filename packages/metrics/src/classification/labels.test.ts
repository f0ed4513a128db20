import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { testBackend } from '../../../../test/backend.js';
import {
  type Average,
  ConfusionMatrix,
  classificationReport,
  confusionMatrix,
  F1Score,
  FBetaScore,
  f1Score,
  fbetaScore,
  formatClassificationReport,
  Precision,
  precisionScore,
  Recall,
  recallScore,
} from '../index.js';

// Reference values from scikit-learn, produced by fixtures/make_labels_fixtures.py.
type SkRow = { precision: number; recall: number; 'f1-score': number; support: number };
type Prf = Record<'precision' | 'recall' | 'f1' | 'fbeta0.5' | 'fbeta2', number | number[]>;
interface Case {
  name: string;
  numClasses: number;
  yTrue: number[];
  yPred: number[];
  labels: number[] | null;
  binary: boolean;
  sklearn: {
    labelsUsed: number[];
    confusionMatrix: number[][] | null;
    normalized?: Record<'true' | 'pred' | 'all', number[][]>;
    byZeroDivision: Record<
      '0' | '1',
      Record<string, Prf> & {
        reportDict: Record<string, SkRow | number>;
        reportText: string;
      }
    >;
  };
}
const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/sklearn_labels.json', import.meta.url), 'utf8'),
) as { sklearn: string; cases: Case[] };

function prfEntries(c: Case, zd: 0 | 1): [string, Prf][] {
  const { reportDict: _d, reportText: _t, ...prf } = c.sklearn.byZeroDivision[zd];
  return Object.entries(prf) as [string, Prf][];
}

function expectClose(actual: number | number[], expected: number | number[], tol: number): void {
  const a = Array.isArray(actual) ? actual : [actual];
  const e = Array.isArray(expected) ? expected : [expected];
  expect(a.length).toBe(e.length);
  a.forEach((v, i) => {
    expect(Math.abs(v - e[i]!), `index ${i}: ${v} vs ${e[i]}`).toBeLessThanOrEqual(
      tol * Math.max(1, Math.abs(e[i]!)),
    );
  });
}

describe(`labels vs sklearn ${fixture.sklearn} [${testBackend}]`, () => {
  for (const c of fixture.cases) {
    it(c.name, async () => {
      const k = c.numClasses;
      const labels = c.sklearn.labelsUsed;
      const yTrue = tf.tensor1d(c.yTrue, 'int32');
      const yPred = tf.tensor1d(c.yPred, 'int32');
      const before = tf.memory().numTensors;
      if (c.sklearn.confusionMatrix !== null) {
        expect(await confusionMatrix(c.yTrue, c.yPred, { numClasses: k, labels })).toEqual(
          c.sklearn.confusionMatrix,
        );
        const cm = new ConfusionMatrix({ numClasses: k, labels });
        cm.update(yTrue, yPred);
        expect(await cm.compute()).toEqual(c.sklearn.confusionMatrix);
        expect(ConfusionMatrix.fromConfig(cm.getConfig()).labels).toEqual(labels);
        cm.dispose();
        for (const normalize of ['true', 'pred', 'all'] as const) {
          const ref = c.sklearn.normalized![normalize];
          const ours = await confusionMatrix(yTrue, yPred, { numClasses: k, labels, normalize });
          expectClose(ours.flat(), ref.flat(), 1e-12);
          const streaming = new ConfusionMatrix({ numClasses: k, labels, normalize });
          tf.tidy(() => streaming.update(tf.slice(yTrue, 0, 3), tf.slice(yPred, 0, 3)));
          tf.tidy(() => streaming.update(tf.slice(yTrue, 3), tf.slice(yPred, 3)));
          expectClose((await streaming.compute()).flat(), ref.flat(), 1e-12);
          expect(ConfusionMatrix.fromConfig(streaming.getConfig()).normalize).toBe(normalize);
          streaming.dispose();
        }
      }
      for (const zd of [0, 1] as const) {
        for (const [name, ref] of prfEntries(c, zd)) {
          // sklearn's average='binary' is the one class pos_label: any average of [posLabel].
          const average = (name === 'binary' ? 'macro' : name) as Average;
          const o = { numClasses: k, average, zeroDivision: zd, labels };
          expectClose(await precisionScore(c.yTrue, c.yPred, o), ref.precision, 1e-9);
          expectClose(await recallScore(c.yTrue, c.yPred, o), ref.recall, 1e-9);
          expectClose(await f1Score(yTrue, yPred, o), ref.f1, 1e-6);
          expectClose(
            await fbetaScore(c.yTrue, c.yPred, { ...o, beta: 0.5 }),
            ref['fbeta0.5'],
            1e-9,
          );
          expectClose(await fbetaScore(c.yTrue, c.yPred, { ...o, beta: 2 }), ref.fbeta2, 1e-9);
          const streaming = [
            [new Precision(o), ref.precision],
            [new Recall(o), ref.recall],
            [new F1Score(o), ref.f1],
            [new FBetaScore({ ...o, beta: 2 }), ref.fbeta2],
          ] as const;
          for (const [metric, expected] of streaming) {
            // two batches of different sizes
            tf.tidy(() => metric.update(tf.slice(yTrue, 0, 7), tf.slice(yPred, 0, 7)));
            tf.tidy(() => metric.update(tf.slice(yTrue, 7), tf.slice(yPred, 7)));
            expectClose(await metric.compute(), expected, 1e-9);
            expect(metric.getConfig().labels).toEqual(labels);
            metric.dispose();
          }
        }
      }
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([yTrue, yPred]);
    });
  }

  it("labels: 'present' is sklearn's default labels=None, streaming included", async () => {
    const defaults = fixture.cases.filter((c) => c.labels === null);
    expect(defaults.length).toBeGreaterThan(0);
    for (const c of defaults) {
      for (const zd of [0, 1] as const) {
        for (const [average, ref] of prfEntries(c, zd)) {
          const o = {
            numClasses: c.numClasses,
            average: average as Average,
            zeroDivision: zd,
            labels: 'present' as const,
          };
          expectClose(await f1Score(c.yTrue, c.yPred, o), ref.f1, 1e-9);
          expectClose(await precisionScore(c.yTrue, c.yPred, o), ref.precision, 1e-9);
          const recall = new Recall(o);
          recall.update(c.yTrue.slice(0, 5), c.yPred.slice(0, 5));
          recall.update(c.yTrue.slice(5), c.yPred.slice(5));
          expectClose(await recall.compute(), ref.recall, 1e-9);
          expect(Recall.fromConfig(recall.getConfig()).labels).toBe('present');
          recall.dispose();
        }
      }
    }
    // Nothing seen yet: no class is present, so all K score zeroDivision.
    const empty = new F1Score({
      numClasses: 3,
      labels: 'present',
      zeroDivision: 1,
      average: 'none',
    });
    expect(await empty.compute()).toEqual([1, 1, 1]);
    // 'present' is for scores only: a confusion matrix needs its classes named.
    await expect(
      confusionMatrix([0, 1], [0, 1], { numClasses: 3, labels: 'present' as never }),
    ).rejects.toThrow(/options\.labels/);
  });

  it('classification reports with labels (rows, averages, "micro avg" as sklearn 1.2)', async () => {
    for (const c of fixture.cases) {
      for (const zd of [0, 1] as const) {
        const ref = c.sklearn.byZeroDivision[zd];
        const labels = c.labels ?? ('present' as const);
        const report = await classificationReport(c.yTrue, c.yPred, {
          numClasses: c.numClasses,
          zeroDivision: zd,
          labels,
        });
        const ids = c.sklearn.labelsUsed;
        expect(
          report.classes.map((r) => r.name),
          c.name,
        ).toEqual(ids.map(String));
        report.classes.forEach((row, i) => {
          const sk = ref.reportDict[String(ids[i])] as SkRow;
          expectClose(
            [row.precision, row.recall, row.f1],
            [sk.precision, sk.recall, sk['f1-score']],
            1e-9,
          );
          expect(row.support).toBe(sk.support);
        });
        const rows = [
          [report.macroAvg, 'macro avg'],
          [report.weightedAvg, 'weighted avg'],
          ...(report.microAvg ? [[report.microAvg, 'micro avg'] as const] : []),
        ] as const;
        expect(report.microAvg === undefined, c.name).toBe('accuracy' in ref.reportDict);
        for (const [ours, key] of rows) {
          const sk = ref.reportDict[key] as SkRow;
          expectClose(
            [ours.precision, ours.recall, ours.f1],
            [sk.precision, sk.recall, sk['f1-score']],
            1e-9,
          );
          expect(ours.support).toBe(sk.support);
        }
        if ('accuracy' in ref.reportDict)
          expectClose(report.accuracy, ref.reportDict.accuracy as number, 1e-9);
        // sklearn 1.2 prints supports as floats ("3.0") when no listed class has a hit.
        const text = ref.reportText.replace(/(\d+)\.0$/gm, (m, d: string) => d.padStart(m.length));
        expect(formatClassificationReport(report), c.name).toBe(text);
      }
    }
  });

  it('labels that sklearn refuses in confusion_matrix (none in yTrue) give their rows of counts', async () => {
    // y_true has no class 1 or 3: sklearn raises, we return the (zero-support) rows.
    expect(await confusionMatrix([0, 2, 2], [1, 1, 2], { numClasses: 4, labels: [1, 3] })).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(await confusionMatrix([0, 2, 2], [1, 1, 2], { numClasses: 4, labels: [2, 1] })).toEqual([
      [1, 1],
      [0, 0],
    ]);
  });

  it('normalize: a zero row / column / total gives 0s (np.nan_to_num), the default is counts', async () => {
    const o = { numClasses: 3 } as const;
    expect(await confusionMatrix([0, 0, 1], [0, 1, 1], { ...o, normalize: 'true' })).toEqual([
      [0.5, 0.5, 0],
      [0, 1, 0],
      [0, 0, 0],
    ]);
    expect(await confusionMatrix([0, 0, 1], [0, 1, 1], { ...o, normalize: 'pred' })).toEqual([
      [1, 0.5, 0],
      [0, 0.5, 0],
      [0, 0, 0],
    ]);
    expect(await new ConfusionMatrix({ ...o, normalize: 'all' }).compute()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
    await expect(confusionMatrix([0], [0], { ...o, normalize: 'rows' as never })).rejects.toThrow(
      /options\.normalize must be one of/,
    );
  });

  it('rejects bad labels before any work, naming the argument', async () => {
    const bad: [unknown, RegExp][] = [
      [[], /options\.labels must be a non-empty array of distinct integer class ids in \[0, 2\]/],
      [[0, 3], /options\.labels\[1\] must be .* got 3/],
      [[1, 1], /options\.labels\[1\]/],
      [[0.5], /options\.labels\[0\]/],
      ['0', /options\.labels/],
    ];
    for (const [labels, message] of bad) {
      const o = { numClasses: 3, labels } as never;
      await expect(f1Score([0, 1], [0, 1], o)).rejects.toThrow(message);
      await expect(confusionMatrix([0, 1], [0, 1], o)).rejects.toBeInstanceOf(InvalidArgumentError);
      expect(() => new Recall(o)).toThrow(message);
      expect(() => new ConfusionMatrix(o)).toThrow(InvalidArgumentError);
    }
  });
});
