import { checkKnownKeys, InvalidArgumentError } from '@overfit/core';
import { type Average, checkBeta, checkZeroDivision, type ZeroDivision } from './options.js';

/** Precision, recall and F1 combined over classes one way. */
export interface AveragedScores {
  precision: number;
  recall: number;
  f1: number;
}

/** Everything {@link scoresFromConfusion} derives from a confusion matrix (plain JSON). */
export interface ClassificationScores {
  /** `trace(C) / sum(C)` */
  accuracy: number;
  /** One entry per class, in class order; `support[i]` = samples of true class `i`. */
  perClass: { precision: number[]; recall: number[]; f1: number[]; support: number[] };
  /** Unweighted mean over all K classes (classes with zero denominators included). */
  macro: AveragedScores;
  /** From the summed counts: equals accuracy when every sample has a class in `[0, K)`. */
  micro: AveragedScores;
  /** Mean weighted by support. */
  weighted: AveragedScores;
}

/** Per-class sufficient statistics of a confusion matrix. */
export interface ClassCounts {
  tp: number[];
  predicted: number[];
  support: number[];
}

/** Per-class and averaged precision, recall and F-beta (the shared scoring stage). */
export interface PrfScores {
  perClass: { precision: number[]; recall: number[]; fbeta: number[]; support: number[] };
  averages: Record<Exclude<Average, 'none'>, { precision: number; recall: number; fbeta: number }>;
}

/** Checks a square, non-empty matrix of finite non-negative counts. */
export function checkConfusion(cm: unknown, argument = 'cm'): number[][] {
  if (!Array.isArray(cm) || cm.length < 1)
    throw new InvalidArgumentError(argument, cm, 'a non-empty square matrix (number[][])');
  const k = cm.length;
  cm.forEach((row: unknown, i) => {
    if (!Array.isArray(row) || row.length !== k) {
      throw new InvalidArgumentError(
        `${argument}[${i}]`,
        row,
        `a row of ${k} counts (square matrix)`,
      );
    }
    row.forEach((v: unknown, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        throw new InvalidArgumentError(`${argument}[${i}][${j}]`, v, 'a finite count >= 0');
      }
    });
  });
  return cm as number[][];
}

export function classCounts(cm: readonly (readonly number[])[]): ClassCounts {
  const k = cm.length;
  const tp = new Array<number>(k).fill(0);
  const predicted = new Array<number>(k).fill(0);
  const support = new Array<number>(k).fill(0);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const c = cm[i]![j]!;
      support[i]! += c;
      predicted[j]! += c;
      if (i === j) tp[i] = c;
    }
  }
  return { tp, predicted, support };
}

/**
 * The counts of `labels` only, in that order (sklearn's `labels`): each class keeps its full
 * row and column sums, so samples of other classes still count as its false positives /
 * negatives.
 */
export function selectCounts(
  c: ClassCounts,
  labels: readonly number[] | 'present' | undefined,
): ClassCounts {
  if (labels === undefined) return c;
  if (labels === 'present') {
    // sklearn's labels=None: the classes true or predicted at least once (all K if none is).
    const present = c.tp.map((_, i) => i).filter((i) => c.support[i]! > 0 || c.predicted[i]! > 0);
    return present.length === 0 ? c : selectCounts(c, present);
  }
  return {
    tp: labels.map((l) => c.tp[l]!),
    predicted: labels.map((l) => c.predicted[l]!),
    support: labels.map((l) => c.support[l]!),
  };
}

const divide = (num: number, den: number, zd: ZeroDivision) => (den === 0 ? zd : num / den);

/**
 * F-beta from counts: `(1 + b^2) tp / (b^2 (tp + fn) + (tp + fp))`, which equals
 * `(1 + b^2) P R / (b^2 P + R)` whenever that is defined; `zd` when no sample is true or
 * predicted for the class.
 */
function fbetaOf(
  tp: number,
  support: number,
  predicted: number,
  beta: number,
  zd: ZeroDivision,
): number {
  const b2 = beta * beta;
  return divide((1 + b2) * tp, b2 * support + predicted, zd);
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const mean = (xs: readonly number[]) => sum(xs) / xs.length;

/** The scoring stage shared by every classification metric (sklearn 1.2 semantics). */
export function prfFromCounts(c: ClassCounts, beta: number, zd: ZeroDivision): PrfScores {
  const k = c.tp.length;
  const precision = c.tp.map((tp, i) => divide(tp, c.predicted[i]!, zd));
  const recall = c.tp.map((tp, i) => divide(tp, c.support[i]!, zd));
  const fbeta = c.tp.map((tp, i) => fbetaOf(tp, c.support[i]!, c.predicted[i]!, beta, zd));
  const [tp, pred, sup] = [sum(c.tp), sum(c.predicted), sum(c.support)];
  // No support at all (sklearn 1.2): recall is zd; precision and F are zd when nothing was
  // predicted either, else 0 (possible only when `labels` leaves classes out).
  const weightedMean = (xs: number[], ifPredicted: number) =>
    sup === 0
      ? pred === 0
        ? zd
        : ifPredicted
      : xs.reduce((a, x, i) => a + x * c.support[i]!, 0) / sup;
  return {
    perClass: { precision, recall, fbeta, support: c.support.slice(0, k) },
    averages: {
      macro: { precision: mean(precision), recall: mean(recall), fbeta: mean(fbeta) },
      micro: {
        precision: divide(tp, pred, zd),
        recall: divide(tp, sup, zd),
        fbeta: fbetaOf(tp, sup, pred, beta, zd),
      },
      weighted: {
        precision: weightedMean(precision, 0),
        recall: weightedMean(recall, zd),
        fbeta: weightedMean(fbeta, 0),
      },
    },
  };
}

/** `trace(C) / sum(C)`, `zd` for an empty matrix. */
export function accuracyFromCounts(c: ClassCounts, zd: ZeroDivision): number {
  return divide(sum(c.tp), sum(c.support), zd);
}

/** Options of {@link scoresFromConfusion}. */
export interface ScoresOptions {
  /** Score of a ratio whose denominator is zero; default 0 (sklearn's `zero_division`). */
  zeroDivision?: ZeroDivision;
}

/**
 * Accuracy, per-class and averaged precision / recall / F1 from a confusion matrix
 * (rows true, columns predicted). Pure host function; matches scikit-learn 1.2 with
 * `labels=range(K)`:
 *
 * - precision_i = tp_i / predicted_i, recall_i = tp_i / support_i,
 *   F1_i = 2 tp_i / (support_i + predicted_i)
 * - a ratio with a zero denominator (a class never predicted; a class without support; both
 *   for F1) scores `zeroDivision` (default 0), and macro averages include such classes
 * - micro: the same ratios on counts summed over classes; weighted: support-weighted mean
 *   (`zeroDivision` when the matrix is all zeros; accuracy too).
 *
 * @example
 * const s = scoresFromConfusion([[2, 1], [0, 3]]);
 * s.accuracy;           // 5 / 6
 * s.perClass.precision; // [1, 0.75]
 * s.macro.f1;           // (0.8 + 0.857142...) / 2
 */
export function scoresFromConfusion(
  cm: number[][],
  options: ScoresOptions = {},
): ClassificationScores {
  checkKnownKeys('options', options, ['zeroDivision']);
  const zd = checkZeroDivision(options.zeroDivision);
  const counts = classCounts(checkConfusion(cm));
  const prf = prfFromCounts(counts, 1, zd);
  const avg = (a: { precision: number; recall: number; fbeta: number }): AveragedScores => ({
    precision: a.precision,
    recall: a.recall,
    f1: a.fbeta,
  });
  return {
    accuracy: accuracyFromCounts(counts, zd),
    perClass: {
      precision: prf.perClass.precision,
      recall: prf.perClass.recall,
      f1: prf.perClass.fbeta,
      support: prf.perClass.support,
    },
    macro: avg(prf.averages.macro),
    micro: avg(prf.averages.micro),
    weighted: avg(prf.averages.weighted),
  };
}

/** Picks one metric (`precision`, `recall` or `fbeta`) with one averaging from a confusion matrix. */
export function pickScore(
  cm: number[][],
  metric: 'precision' | 'recall' | 'fbeta',
  average: Average,
  beta: number,
  zd: ZeroDivision,
  labels?: readonly number[] | 'present',
): number | number[] {
  checkBeta(beta, 'beta');
  const prf = prfFromCounts(selectCounts(classCounts(cm), labels), beta, zd);
  return average === 'none' ? prf.perClass[metric] : prf.averages[average][metric];
}
