import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classificationTable, comparisonTable, formatCell, summarizeRun } from './index.js';
import { syntheticRun } from './test-helpers.js';

interface SklearnCase {
  name: string;
  sklearn: {
    confusionMatrix: number[][];
    byZeroDivision: Record<string, { reportDict: Record<string, Record<string, number> | number> }>;
  };
}
// sklearn 1.2.1 classification_report(output_dict=True, zero_division=0) values recorded by
// packages/metrics/fixtures/make_fixtures.py.
const cases: SklearnCase[] = JSON.parse(
  readFileSync(new URL('../../metrics/fixtures/sklearn.json', import.meta.url), 'utf8'),
).cases;

describe('classificationTable', () => {
  it.each(cases.map((c) => [c.name, c] as const))(
    'matches sklearn from the confusion matrix: %s',
    (_, c) => {
      const table = classificationTable({
        name: 'r',
        epochs: [],
        test: { confusionMatrix: c.sklearn.confusionMatrix },
      })!;
      const expected = c.sklearn.byZeroDivision['0']!.reportDict;
      const k = c.sklearn.confusionMatrix.length;
      expect(table.rows).toHaveLength(k + 3);
      // sklearn names classes by target_names and, when a label is absent, reports 'micro avg'
      // (equal to accuracy for single-label data) instead of 'accuracy'.
      const classKeys = Object.keys(expected).slice(0, k);
      table.rows.forEach((row, i) => {
        const [name, precision, recall, f1, support] = row as [
          string,
          number,
          number,
          number,
          number,
        ];
        if (name === 'accuracy') {
          const micro = expected['micro avg'] as Record<string, number> | undefined;
          expect(f1).toBeCloseTo(
            (expected.accuracy as number | undefined) ?? micro!['f1-score']!,
            12,
          );
          return;
        }
        const ref = expected[i < k ? classKeys[i]! : name];
        const r = ref as Record<string, number>;
        expect(precision).toBeCloseTo(r.precision!, 12);
        expect(recall).toBeCloseTo(r.recall!, 12);
        expect(f1).toBeCloseTo(r['f1-score']!, 12);
        expect(support).toBe(r.support);
      });
    },
  );

  it("uses the run's classificationReport when it has @overfit/metrics' shape; null without data", () => {
    const report = {
      classes: [{ name: 'cat', precision: 1, recall: 0.5, f1: 2 / 3, support: 2 }],
      accuracy: 0.5,
      macroAvg: { precision: 1, recall: 0.5, f1: 2 / 3, support: 2 },
      weightedAvg: { precision: 1, recall: 0.5, f1: 2 / 3, support: 2 },
      digits: 2,
    };
    const t = classificationTable({
      name: 'r',
      epochs: [],
      test: { classificationReport: report },
    })!;
    expect(t.rows[0]).toEqual(['cat', 1, 0.5, 2 / 3, 2]);
    expect(classificationTable({ name: 'r', epochs: [] })).toBeNull();
  });
});

interface SklearnLabelsCase {
  name: string;
  yTrue: number[];
  yPred: number[];
  sklearn: {
    byZeroDivision: Record<
      string,
      { reportDict: Record<string, Record<string, number> | number>; reportText: string }
    >;
  };
}
// sklearn 1.2.1 classification_report(labels=..., zero_division=0), dict and text, recorded by
// packages/metrics/fixtures/make_labels_fixtures.py.
const labelCases: SklearnLabelsCase[] = JSON.parse(
  readFileSync(new URL('../../metrics/fixtures/sklearn_labels.json', import.meta.url), 'utf8'),
).cases;

describe('classificationTable of a report over chosen labels (sklearn layout)', () => {
  it.each(labelCases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const { reportDict, reportText } = c.sklearn.byZeroDivision['0']!;
    const avg = (key: string) => {
      const r = reportDict[key] as Record<string, number>;
      return {
        precision: r.precision!,
        recall: r.recall!,
        f1: r['f1-score']!,
        support: r.support!,
      };
    };
    // the row labels, in order, of sklearn's text report
    const textRows = reportText
      .split('\n')
      .slice(1)
      .map((l) => l.trim())
      .filter((l) => l.length > 0)
      .map((l) => l.replace(/(\s+[\d.]+)+$/, ''));
    // class order from the text (JSON.parse puts integer-like keys in ascending order)
    const classKeys = textRows.filter((k) => !/avg$|^accuracy$/.test(k));
    // @overfit/metrics' report shape: accuracy over all samples, microAvg only where sklearn prints it
    const report = {
      classes: classKeys.map((name) => ({ name, ...avg(name) })),
      accuracy: c.yTrue.filter((y, i) => y === c.yPred[i]).length / c.yTrue.length,
      ...('micro avg' in reportDict ? { microAvg: avg('micro avg') } : {}),
      macroAvg: avg('macro avg'),
      weightedAvg: avg('weighted avg'),
      digits: 2,
    };
    const table = classificationTable({
      name: 'r',
      epochs: [],
      test: { classificationReport: report },
    })!;
    expect(table.rows.map((r) => r[0])).toEqual(textRows);
    for (const row of table.rows) {
      const [name, precision, recall, f1, support] = row;
      if (name === 'accuracy') {
        expect(f1).toBeCloseTo(reportDict.accuracy as number, 12);
        expect([precision, recall]).toEqual([null, null]);
        continue;
      }
      const ref = avg(name as string);
      expect([precision, recall, f1, support]).toEqual([
        ref.precision,
        ref.recall,
        ref.f1,
        ref.support,
      ]);
    }
  });
});

describe('comparisonTable', () => {
  it('derives the final-epoch summaries; weight norm over kernels only', () => {
    const run = syntheticRun('none', { epochs: 2, layers: 3 });
    const s = summarizeRun(run);
    const last = run.epochs[1]!;
    expect(s.gap).toBeCloseTo(last.macroF1! - last.valMacroF1!, 12);
    expect(s.sparsity).toBeCloseTo(0.02, 12); // hidden_1/kernel at epoch 2
    expect(s.weightNorm).toBeCloseTo(Math.sqrt(3 * 5 ** 2), 12); // three kernels of norm 5; biases out
    expect(s.firstGradNorm).toBeCloseTo(10 ** -1 / 2, 12);
    expect(s.lastGradNorm).toBeCloseTo(10 ** -2 / 2, 12);
    expect(s.testMacroF1).toBe(0.95);
  });

  it('summary overrides, partial runs say so, empty columns are left out', () => {
    const run = { ...syntheticRun('a', { epochs: 1 }), summary: { sparsity: 0.5 }, partial: true };
    const bare = { name: 'b', epochs: [{ epoch: 1, valMacroF1: 0.5 }] };
    const t = comparisonTable([run, bare]);
    expect(t.columns[0]).toBe('run');
    expect(t.rows[0]![0]).toBe('a (partial)');
    expect(t.rows[0]![t.columns.indexOf('first-layer sparsity')]).toBe(0.5);
    expect(t.rows[1]![t.columns.indexOf('val macro-F1')]).toBe(0.5);
    const onlyBare = comparisonTable([bare]);
    expect(onlyBare.columns).toEqual(['run', 'val macro-F1', 'epochs']);
  });

  it('NaN and null (JSON) values are missing, never arithmetic on null', () => {
    const run = {
      name: 'r',
      epochs: [{ epoch: 1, macroF1: Number.NaN, valMacroF1: 0.5, loss: Number.NaN, penalty: 0.2 }],
      summary: { sparsity: Number.NaN, weightNorm: Number.POSITIVE_INFINITY, epochs: Number.NaN },
    };
    for (const r of [run, JSON.parse(JSON.stringify(run)) as typeof run]) {
      const s = summarizeRun(r);
      expect(s.gap).toBeNull(); // not 0 - 0.5
      expect(s.trainLoss).toBeNull(); // not 0 - 0.2
      expect(s.trainMacroF1).toBeNull();
      expect(s.sparsity).toBeNull();
      expect(s.weightNorm).toBeNull();
      expect(s.epochs).toBe(1);
    }
    expect(comparisonTable([run]).columns).toEqual(['run', 'val macro-F1', 'epochs']);
  });

  it('formats cells with 4 significant digits and dashes for missing values', () => {
    expect([0.123456, 12, 1e-7, 123456.7, null, Number.NaN, 'x'].map(formatCell)).toEqual([
      '0.1235',
      '12',
      '1.000e-7',
      '1.235e+5',
      '–',
      '–',
      'x',
    ]);
  });
});
