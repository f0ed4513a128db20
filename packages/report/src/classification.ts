import { checkRun } from './runs.js';
import type { DataTable, RunRecord } from './types.js';

interface Row {
  name: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

interface ReportShape {
  classes: Row[];
  accuracy: number;
  /** Only when the report lists classes other than those present: sklearn's row for it. */
  microAvg?: Omit<Row, 'name'>;
  macroAvg: Omit<Row, 'name'>;
  weightedAvg: Omit<Row, 'name'>;
}

function isReport(value: unknown): value is ReportShape {
  const r = value as ReportShape | undefined;
  return !!r && Array.isArray(r.classes) && typeof r.accuracy === 'number' && !!r.macroAvg;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

/** sklearn's report rows from `matrix[true][predicted]` (zero division gives 0, as sklearn). */
function reportFromMatrix(matrix: number[][]): ReportShape {
  const n = matrix.length;
  const total = matrix.flat().reduce((s, v) => s + v, 0);
  const classes: Row[] = matrix.map((row, k) => {
    const tp = row[k] ?? 0;
    const support = row.reduce((s, v) => s + v, 0);
    const predicted = matrix.reduce((s, r) => s + (r[k] ?? 0), 0);
    const precision = ratio(tp, predicted);
    const recall = ratio(tp, support);
    return {
      name: String(k),
      precision,
      recall,
      f1: ratio(2 * precision * recall, precision + recall),
      support,
    };
  });
  const avg = (weight: (r: Row) => number) => {
    const w = classes.reduce((s, r) => s + weight(r), 0);
    const mean = (f: (r: Row) => number) =>
      ratio(
        classes.reduce((s, r) => s + weight(r) * f(r), 0),
        w,
      );
    return {
      precision: mean((r) => r.precision),
      recall: mean((r) => r.recall),
      f1: mean((r) => r.f1),
      support: total,
    };
  };
  const correct = matrix.reduce((s, row, k) => s + (row[k] ?? 0), 0);
  return {
    classes,
    accuracy: ratio(correct, total),
    macroAvg: avg(() => 1 / n),
    weightedAvg: avg((r) => r.support),
  };
}

/**
 * The run's per-class precision / recall / F1 / support with accuracy and the macro and weighted
 * averages, as sklearn's `classification_report` lays them out: from `test.classificationReport`
 * when it has `@overfit/metrics`' shape, else computed from `test.confusionMatrix`; null when the
 * run has neither. A report over a subset of the classes (`@overfit/metrics`' `microAvg`, its
 * `labels` option) gets sklearn's `micro avg` row (precision, recall, F1, support of the listed
 * classes) in place of `accuracy`, as sklearn prints it.
 */
export function classificationTable(run: RunRecord): DataTable | null {
  checkRun('run', run);
  const given = run.test?.classificationReport;
  const matrix = run.test?.confusionMatrix;
  const report = isReport(given) ? given : matrix?.length ? reportFromMatrix(matrix) : null;
  if (!report) return null;
  const line = (name: string, r: Omit<Row, 'name'>) => [
    name,
    r.precision,
    r.recall,
    r.f1,
    r.support,
  ];
  const support = report.macroAvg.support;
  return {
    columns: ['class', 'precision', 'recall', 'f1-score', 'support'],
    rows: [
      ...report.classes.map((r) => line(r.name, r)),
      report.microAvg
        ? line('micro avg', report.microAvg)
        : ['accuracy', null, null, report.accuracy, support],
      line('macro avg', report.macroAvg),
      line('weighted avg', report.weightedAvg),
    ],
  };
}
