import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { testBackend } from '../../../../test/backend.js';
import {
  type Average,
  accuracyScore,
  ClassificationReport,
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
  scoresFromConfusion,
} from '../index.js';

// Reference values from scikit-learn, produced by fixtures/make_fixtures.py.
interface PrfEntry {
  precision: number | number[];
  recall: number | number[];
  f1: number | number[];
  'fbeta0.5': number | number[];
  fbeta2: number | number[];
}
type SkRow = { precision: number; recall: number; 'f1-score': number; support: number };
interface Case {
  name: string;
  numClasses: number;
  yTrue: number[];
  yPred: number[];
  yScore?: number[][];
  targetNames?: string[];
  sklearn: {
    confusionMatrix: number[][];
    accuracy: number;
    byZeroDivision: Record<
      '0' | '1',
      Record<Average, PrfEntry> & {
        reportDict: Record<string, SkRow | number>;
        reportText: Record<'2' | '4', string>;
      }
    >;
  };
}
const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/sklearn.json', import.meta.url), 'utf8'),
) as { sklearn: string; cases: Case[] };

const AVERAGES: Average[] = ['none', 'macro', 'micro', 'weighted'];

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

describe(`sklearn ${fixture.sklearn} fixtures, host arrays (1e-9) [${testBackend}]`, () => {
  for (const c of fixture.cases) {
    it(c.name, async () => {
      const k = c.numClasses;
      expect(await confusionMatrix(c.yTrue, c.yPred, { numClasses: k })).toEqual(
        c.sklearn.confusionMatrix,
      );
      expectClose(await accuracyScore(c.yTrue, c.yPred), c.sklearn.accuracy, 1e-9);
      for (const zd of [0, 1] as const) {
        const ref = c.sklearn.byZeroDivision[zd];
        for (const average of AVERAGES) {
          const o = { numClasses: k, average, zeroDivision: zd };
          expectClose(await precisionScore(c.yTrue, c.yPred, o), ref[average].precision, 1e-9);
          expectClose(await recallScore(c.yTrue, c.yPred, o), ref[average].recall, 1e-9);
          expectClose(await f1Score(c.yTrue, c.yPred, o), ref[average].f1, 1e-9);
          expectClose(
            await fbetaScore(c.yTrue, c.yPred, { ...o, beta: 0.5 }),
            ref[average]['fbeta0.5'],
            1e-9,
          );
          expectClose(
            await fbetaScore(c.yTrue, c.yPred, { ...o, beta: 2 }),
            ref[average].fbeta2,
            1e-9,
          );
        }
        const s = scoresFromConfusion(c.sklearn.confusionMatrix, { zeroDivision: zd });
        expectClose(s.accuracy, c.sklearn.accuracy, 1e-9);
        expectClose(s.perClass.precision, ref.none.precision, 1e-9);
        expectClose(s.perClass.recall, ref.none.recall, 1e-9);
        expectClose(s.perClass.f1, ref.none.f1, 1e-9);
        for (const avg of ['macro', 'micro', 'weighted'] as const) {
          expectClose(
            [s[avg].precision, s[avg].recall, s[avg].f1],
            [ref[avg].precision, ref[avg].recall, ref[avg].f1] as number[],
            1e-9,
          );
        }
      }
    });
  }
});

describe(`sklearn fixtures, classification report [${testBackend}]`, () => {
  for (const c of fixture.cases) {
    it(c.name, async () => {
      for (const zd of [0, 1] as const) {
        const ref = c.sklearn.byZeroDivision[zd];
        const options = {
          numClasses: c.numClasses,
          zeroDivision: zd,
          ...(c.targetNames ? { targetNames: c.targetNames } : {}),
        };
        const report = await classificationReport(c.yTrue, c.yPred, options);
        const names = c.targetNames ?? Array.from({ length: c.numClasses }, (_, i) => String(i));
        expect(report.classes.map((r) => r.name)).toEqual(names);
        report.classes.forEach((row, i) => {
          const sk = ref.reportDict[names[i]!] as SkRow;
          expectClose(
            [row.precision, row.recall, row.f1],
            [sk.precision, sk.recall, sk['f1-score']],
            1e-9,
          );
          expect(row.support).toBe(sk.support);
        });
        // sklearn 1.2 names the accuracy row "micro avg" when a listed class never occurs.
        const skAccuracy =
          ref.reportDict['accuracy'] ?? (ref.reportDict['micro avg'] as SkRow).precision;
        expectClose(report.accuracy, skAccuracy as number, 1e-9);
        for (const [ours, key] of [
          [report.macroAvg, 'macro avg'],
          [report.weightedAvg, 'weighted avg'],
        ] as const) {
          const sk = ref.reportDict[key] as SkRow;
          expectClose(
            [ours.precision, ours.recall, ours.f1],
            [sk.precision, sk.recall, sk['f1-score']],
            1e-9,
          );
          expect(ours.support).toBe(sk.support);
        }
        for (const digits of [2, 4] as const) {
          // With no true positive at all, sklearn 1.2 counts supports in floats and prints "3.0".
          const noHits = c.sklearn.confusionMatrix.every((row, i) => row[i] === 0);
          const text = ref.reportText[digits];
          const expected = noHits
            ? text.replace(/(\d+)\.0$/gm, (m, d: string) => d.padStart(m.length))
            : text;
          const ours = formatClassificationReport(report, digits);
          if ('accuracy' in ref.reportDict) {
            expect(ours).toBe(expected);
          } else {
            // Same text except the accuracy row, which sklearn 1.2 prints as a "micro avg" row.
            const oursLines = ours.split('\n');
            const skLines = expected.split('\n');
            const at = skLines.findIndex((l) => l.trimStart().startsWith('micro avg'));
            expect(oursLines.filter((_, i) => i !== at)).toEqual(
              skLines.filter((_, i) => i !== at),
            );
            const skF1 = skLines[at]!.trim().split(/\s+/)[4];
            expect(oursLines[at]!.trim().split(/\s+/)).toEqual([
              'accuracy',
              skF1,
              String(c.yTrue.length),
            ]);
          }
        }
      }
    });
  }
});

describe(`sklearn fixtures, tensor inputs and streaming objects (1e-6) [${testBackend}]`, () => {
  for (const c of fixture.cases) {
    it(c.name, async () => {
      const k = c.numClasses;
      const before = tf.memory().numTensors;
      const yTrue = tf.tensor1d(c.yTrue, 'int32');
      const predictions = [
        tf.tensor1d(c.yPred, 'float32'),
        ...(c.yScore ? [tf.tensor2d(c.yScore)] : []),
      ];
      for (const yPred of predictions) {
        expect(await confusionMatrix(yTrue, yPred, { numClasses: k })).toEqual(
          c.sklearn.confusionMatrix,
        );
        expectClose(await accuracyScore(yTrue, yPred), c.sklearn.accuracy, 1e-6);
        const ref = c.sklearn.byZeroDivision[1];
        expectClose(
          await f1Score(yTrue, yPred, { numClasses: k, average: 'none', zeroDivision: 1 }),
          ref.none.f1,
          1e-6,
        );
        const report = await classificationReport(yTrue, yPred, { numClasses: k, zeroDivision: 1 });
        expectClose(report.macroAvg.f1, ref.macro.f1 as number, 1e-6);

        // Streaming: three uneven batches, then everything again after a reset.
        const cm = new ConfusionMatrix({ numClasses: k });
        const metrics = {
          precision: new Precision({ numClasses: k, average: 'weighted', zeroDivision: 1 }),
          recall: new Recall({ numClasses: k, average: 'none', zeroDivision: 1 }),
          f1: new F1Score({ numClasses: k, zeroDivision: 1 }),
          fbeta2: new FBetaScore({ numClasses: k, beta: 2, average: 'micro', zeroDivision: 1 }),
          report: new ClassificationReport({ numClasses: k, zeroDivision: 1 }),
        };
        const all = [cm, ...Object.values(metrics)];
        const n = c.yTrue.length;
        const cuts = [0, Math.floor(n / 3), Math.floor(n / 2), n];
        for (let pass = 0; pass < 2; pass++) {
          for (let b = 0; b < 3; b++) {
            const t = tf.slice(yTrue, cuts[b]!, cuts[b + 1]! - cuts[b]!);
            const p = tf.slice(yPred, cuts[b]!, cuts[b + 1]! - cuts[b]!);
            for (const m of all) m.update(t, p);
            tf.dispose([t, p]);
          }
          expect(await cm.compute()).toEqual(c.sklearn.confusionMatrix);
          expectClose(await metrics.precision.compute(), ref.weighted.precision, 1e-6);
          expectClose(await metrics.recall.compute(), ref.none.recall, 1e-6);
          expectClose(await metrics.f1.compute(), ref.macro.f1, 1e-6);
          expectClose(await metrics.fbeta2.compute(), ref.micro.fbeta2, 1e-6);
          expectClose(
            (await metrics.report.compute()).weightedAvg.f1,
            ref.weighted.f1 as number,
            1e-6,
          );
          for (const m of all) m.reset();
        }
        for (const m of all) m.dispose();
      }
      tf.dispose([yTrue, ...predictions]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
