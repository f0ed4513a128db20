import { checkInteger, checkKnownKeys, InvalidArgumentError } from '@overfit/core';
import { confusionFromPrepared } from './confusion.js';
import { type ClassInput, preparePair } from './inputs.js';
import {
  checkNumClasses,
  checkScoreLabels,
  checkZeroDivision,
  requireOptions,
  type ScoreLabels,
  type ZeroDivision,
} from './options.js';
import {
  accuracyFromCounts,
  type ClassCounts,
  classCounts,
  prfFromCounts,
  selectCounts,
} from './scores.js';

/** One row of a classification report. */
export interface ReportRow {
  name: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** sklearn's `classification_report(output_dict=True)` as plain JSON, in class order. */
export interface ClassificationReportResult {
  classes: ReportRow[];
  /** `trace(C) / sum(C)` over all samples. */
  accuracy: number;
  /**
   * Only when `labels` lists classes other than those present (sklearn 1.2's rule): the micro
   * average of the listed classes, which sklearn prints in place of "accuracy".
   */
  microAvg?: Omit<ReportRow, 'name'>;
  macroAvg: Omit<ReportRow, 'name'>;
  weightedAvg: Omit<ReportRow, 'name'>;
  /** Digits {@link formatClassificationReport} uses by default. */
  digits: number;
}

/** Options of {@link classificationReport} and the streaming `ClassificationReport`. */
export interface ClassificationReportOptions {
  /** Number of classes K (integer >= 2). */
  numClasses: number;
  /** Display names, one per class; default `'0'`, `'1'`, ... */
  targetNames?: readonly string[];
  /** Digits for {@link formatClassificationReport}; default 2 (integer in [0, 15]). */
  digits?: number;
  /** Score of a ratio with a zero denominator; default 0. */
  zeroDivision?: ZeroDivision;
  /**
   * sklearn's `labels`: the classes given a row and averaged over, in this order (ids, or
   * `'present'`: the classes true or predicted at least once, sklearn's `labels=None`); default
   * all K. Names still come from `targetNames` by class id (sklearn pairs them with `labels`).
   */
  labels?: ScoreLabels;
}

export interface CheckedReportOptions {
  numClasses: number;
  targetNames: string[];
  digits: number;
  zeroDivision: ZeroDivision;
  labels?: number[] | 'present';
}

/** What the streaming `ClassificationReport`'s `getConfig()` returns. */
export type ClassificationReportConfig = Required<Omit<ClassificationReportOptions, 'labels'>> & {
  labels?: number[] | 'present';
};

export const REPORT_KEYS = ['numClasses', 'targetNames', 'digits', 'zeroDivision', 'labels'];

export function checkReportOptions(
  options: ClassificationReportOptions | undefined,
): CheckedReportOptions {
  requireOptions(options);
  checkKnownKeys('options', options, REPORT_KEYS);
  const o = options!;
  const numClasses = checkNumClasses(o.numClasses);
  const names = o.targetNames;
  if (names !== undefined) {
    if (
      !Array.isArray(names) ||
      names.length !== numClasses ||
      names.some((n) => typeof n !== 'string')
    ) {
      throw new InvalidArgumentError(
        'options.targetNames',
        names,
        `an array of ${numClasses} strings (one per class)`,
      );
    }
  }
  return {
    numClasses,
    targetNames: names ? [...names] : Array.from({ length: numClasses }, (_, i) => String(i)),
    digits:
      o.digits === undefined ? 2 : checkInteger('options.digits', o.digits, { min: 0, max: 15 }),
    zeroDivision: checkZeroDivision(o.zeroDivision),
    ...(o.labels === undefined ? {} : { labels: checkScoreLabels(o.labels, numClasses) }),
  };
}

/** The class ids a report lists: `labels`, the present ones, or all K. */
function reportClasses(counts: ClassCounts, labels: number[] | 'present' | undefined): number[] {
  const all = counts.tp.map((_, i) => i);
  if (labels === undefined) return all;
  if (labels !== 'present') return labels;
  const present = all.filter((i) => counts.support[i]! > 0 || counts.predicted[i]! > 0);
  return present.length === 0 ? all : present;
}

/** Builds the report from a confusion matrix (the stage shared with the streaming object). */
export function reportFromConfusion(
  cm: number[][],
  o: CheckedReportOptions,
): ClassificationReportResult {
  const counts = classCounts(cm);
  const ids = reportClasses(counts, o.labels);
  const selected = selectCounts(counts, ids);
  const prf = prfFromCounts(selected, 1, o.zeroDivision);
  const total = selected.support.reduce((a, b) => a + b, 0);
  const avg = (a: { precision: number; recall: number; fbeta: number }) => ({
    precision: a.precision,
    recall: a.recall,
    f1: a.fbeta,
    support: total,
  });
  // sklearn 1.2: "accuracy" unless `labels` was given and differs from the classes present.
  const present = counts.tp
    .map((_, i) => i)
    .filter((i) => counts.support[i]! + counts.predicted[i]! > 0);
  const listed = new Set(ids);
  const microIsAccuracy =
    o.labels === undefined ||
    o.labels === 'present' ||
    (listed.size === present.length && present.every((i) => listed.has(i)));
  return {
    classes: ids.map((id, i) => ({
      name: o.targetNames[id]!,
      precision: prf.perClass.precision[i]!,
      recall: prf.perClass.recall[i]!,
      f1: prf.perClass.fbeta[i]!,
      support: prf.perClass.support[i]!,
    })),
    accuracy: accuracyFromCounts(counts, o.zeroDivision),
    ...(microIsAccuracy ? {} : { microAvg: avg(prf.averages.micro) }),
    macroAvg: avg(prf.averages.macro),
    weightedAvg: avg(prf.averages.weighted),
    digits: o.digits,
  };
}

/**
 * Per-class precision, recall, F1 and support with accuracy and macro / weighted averages,
 * like sklearn's `classification_report(labels=range(K), output_dict=True)`.
 *
 * @example
 * const report = await classificationReport(yTrue, logits, { numClasses: 10 });
 * console.log(formatClassificationReport(report));
 */
export async function classificationReport(
  yTrue: ClassInput,
  yPred: ClassInput,
  options: ClassificationReportOptions,
): Promise<ClassificationReportResult> {
  const o = checkReportOptions(options);
  const [t, p] = preparePair(yTrue, yPred, o.numClasses);
  return reportFromConfusion(await confusionFromPrepared(t, p, o.numClasses), o);
}

/**
 * `x` with `digits` decimals as Python's `format(x, '.{digits}f')` writes it: correctly
 * rounded from the exact binary value, exact ties to even (`toFixed` breaks ties upward).
 */
export function formatFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const a = Math.abs(x);
  if (a >= 1e21) return sign + a.toFixed(digits);
  // toFixed(100) is exact for doubles this size: every tie at <= 16 decimals shows up.
  const exact = a.toFixed(100);
  const dot = exact.indexOf('.');
  const kept = exact.slice(0, dot) + exact.slice(dot + 1, dot + 1 + digits);
  const rest = exact.slice(dot + 1 + digits);
  const tie = /^50*$/.test(rest);
  const up =
    rest[0]! > '5' || (rest[0] === '5' && !tie) || (tie && Number(kept[kept.length - 1]) % 2 === 1);
  let digitsOut = up ? increment(kept) : kept;
  if (digits > 0) digitsOut = `${digitsOut.slice(0, -digits) || '0'}.${digitsOut.slice(-digits)}`;
  return sign + digitsOut;
}

function increment(digitString: string): string {
  const d = digitString.split('');
  let i = d.length - 1;
  while (i >= 0 && d[i] === '9') d[i--] = '0';
  if (i < 0) d.unshift('1');
  else d[i] = String(Number(d[i]) + 1);
  return d.join('');
}

const pad = (s: string, width: number) => s.padStart(width);

/**
 * sklearn's text layout of a classification report: a header, one row per class, then
 * accuracy, macro avg and weighted avg (scores with `digits` decimals, Python rounding).
 *
 * sklearn 1.2 prints a "micro avg" row instead of "accuracy" when `labels` names a class
 * that occurs neither in y_true nor in y_pred; this always prints "accuracy" (the values are
 * the same: micro precision = recall = F1 = accuracy).
 *
 * @example
 * formatClassificationReport(report, 4);
 * //               precision    recall  f1-score   support
 * //
 * //            0     1.0000    0.5000    0.6667         2
 * // ...
 */
export function formatClassificationReport(
  report: ClassificationReportResult,
  digits?: number,
): string {
  const d =
    digits === undefined
      ? (report.digits ?? 2)
      : checkInteger('digits', digits, { min: 0, max: 15 });
  const width = Math.max(...report.classes.map((c) => c.name.length), 'weighted avg'.length, d);
  const num = (x: number) => ` ${pad(formatFixed(x, d), 9)}`;
  const row = (name: string, r: Omit<ReportRow, 'name'>) =>
    `${pad(name, width)} ${num(r.precision)}${num(r.recall)}${num(r.f1)} ${pad(String(r.support), 9)}\n`;
  let text = `${pad('', width)} ${['precision', 'recall', 'f1-score', 'support'].map((h) => ` ${pad(h, 9)}`).join('')}\n\n`;
  for (const c of report.classes) text += row(c.name, c);
  text += '\n';
  const total = report.macroAvg.support;
  if (report.microAvg) text += row('micro avg', report.microAvg);
  else
    text += `${pad('accuracy', width)} ${' '.repeat(10)}${' '.repeat(10)}${num(report.accuracy)} ${pad(String(total), 9)}\n`;
  text += row('macro avg', report.macroAvg);
  text += row('weighted avg', report.weightedAvg);
  return text;
}
