import { checkKnownKeys } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { confusionFromPrepared } from './confusion.js';
import { type ClassInput, deviceIds, preparePair, throwIfInvalid } from './inputs.js';
import {
  type Average,
  type AverageResult,
  checkAverage,
  checkBeta,
  checkNumClasses,
  checkScoreLabels,
  checkZeroDivision,
  requireOptions,
  type ScoreLabels,
  type ZeroDivision,
} from './options.js';
import { pickScore } from './scores.js';

/** Options of {@link precisionScore}, {@link recallScore} and {@link f1Score}. */
export interface ScoreOptions<A extends Average = Average> {
  /** Number of classes K (integer >= 2). */
  numClasses: number;
  /** How classes are combined; default `'macro'`. `'none'` returns one score per class. */
  average?: A;
  /** Score of a ratio with a zero denominator; default 0. */
  zeroDivision?: ZeroDivision;
  /**
   * sklearn's `labels`: the classes to score and average over, in this order (distinct ids in
   * `[0, K)`); default all K classes (sklearn's `labels=range(K)`). Samples of other classes
   * still count as false positives / negatives of these. `labels: [1]` with K = 2 is sklearn's
   * `average='binary'` (`pos_label=1`). `'present'`: the classes true or predicted at least once
   * (in the streaming classes: since the last reset), ascending — sklearn's default
   * `labels=None`, whose macro average (like torchmetrics') leaves out classes neither true
   * nor predicted.
   */
  labels?: ScoreLabels;
}

/** Options of {@link fbetaScore}: {@link ScoreOptions} plus `beta`. */
export interface FBetaOptions<A extends Average = Average> extends ScoreOptions<A> {
  /** Weight of recall relative to precision (>= 0; 1 gives F1, 0 gives precision). */
  beta: number;
}

/** Options of {@link accuracyScore}. */
export interface AccuracyOptions {
  /** When given, ids are also checked to lie in `[0, numClasses)`. */
  numClasses?: number;
}

/**
 * Fraction of samples whose predicted class equals the true class:
 * `accuracy = (1/N) sum_n [yPred_n = yTrue_n]`.
 *
 * @example
 * await accuracyScore([0, 1, 2, 2], [0, 2, 2, 1]); // 0.5
 * await accuracyScore(labelsTensor, logitsTensor);  // argmax of [N, K] logits
 */
export async function accuracyScore(
  yTrue: ClassInput,
  yPred: ClassInput,
  options: AccuracyOptions = {},
): Promise<number> {
  checkKnownKeys('options', options, ['numClasses']);
  const k = options.numClasses === undefined ? undefined : checkNumClasses(options.numClasses);
  const [t, p] = preparePair(yTrue, yPred, k);
  if (t.kind === 'host' && p.kind === 'host') {
    let hits = 0;
    for (let i = 0; i < t.n; i++) if (t.ids[i] === p.ids[i]) hits++;
    return hits / t.n;
  }
  // Without numClasses, any non-negative integer id is a class (2^31 - 1 bounds int32).
  const bound = k ?? 2 ** 31 - 1;
  const packed = tf.tidy(() => {
    const yt = deviceIds(t, bound);
    const yp = deviceIds(p, bound);
    const hits = tf.sum(tf.cast(tf.equal(yt.ids, yp.ids), 'int32'));
    return tf.stack([hits, yt.invalid, yp.invalid]);
  });
  try {
    const [hits, badTrue, badPred] = await packed.data();
    throwIfInvalid(badTrue!, badPred!, bound);
    return hits! / t.n;
  } finally {
    packed.dispose();
  }
}

function scoreOptions(options: ScoreOptions | undefined, withBeta: boolean) {
  requireOptions(options);
  const keys = ['numClasses', 'average', 'zeroDivision', 'labels'];
  checkKnownKeys('options', options, withBeta ? [...keys, 'beta'] : keys);
  const k = checkNumClasses(options!.numClasses);
  return {
    k,
    average: checkAverage(options!.average),
    zd: checkZeroDivision(options!.zeroDivision),
    beta: withBeta ? checkBeta((options as FBetaOptions).beta) : 1,
    labels: checkScoreLabels(options!.labels, k),
  };
}

async function score(
  yTrue: ClassInput,
  yPred: ClassInput,
  options: ScoreOptions | undefined,
  metric: 'precision' | 'recall' | 'fbeta',
  withBeta: boolean,
): Promise<number | number[]> {
  const o = scoreOptions(options, withBeta);
  const [t, p] = preparePair(yTrue, yPred, o.k);
  const cm = await confusionFromPrepared(t, p, o.k);
  return pickScore(cm, metric, o.average, o.beta, o.zd, o.labels);
}

/**
 * Precision `tp / (tp + fp)` per class, averaged by `options.average` (sklearn's
 * `precision_score(labels=range(K))`, or `options.labels`). A class never predicted scores
 * `zeroDivision`.
 *
 * @example
 * await precisionScore([0, 1, 2, 2], [0, 2, 2, 1], { numClasses: 3 });                   // macro
 * await precisionScore([0, 1, 2, 2], [0, 2, 2, 1], { numClasses: 3, average: 'none' });  // [1, 0, 0.5]
 */
export async function precisionScore<A extends Average = 'macro'>(
  yTrue: ClassInput,
  yPred: ClassInput,
  options: ScoreOptions<A>,
): Promise<AverageResult<A>> {
  return (await score(yTrue, yPred, options, 'precision', false)) as AverageResult<A>;
}

/**
 * Recall `tp / (tp + fn)` per class, averaged by `options.average` (sklearn's
 * `recall_score`). A class without support scores `zeroDivision`.
 *
 * @example
 * await recallScore([0, 1, 2, 2], [0, 2, 2, 1], { numClasses: 3, average: 'weighted' }); // 0.5
 */
export async function recallScore<A extends Average = 'macro'>(
  yTrue: ClassInput,
  yPred: ClassInput,
  options: ScoreOptions<A>,
): Promise<AverageResult<A>> {
  return (await score(yTrue, yPred, options, 'recall', false)) as AverageResult<A>;
}

/**
 * F1 `2 tp / (2 tp + fp + fn)` (the harmonic mean of precision and recall) per class,
 * averaged by `options.average` (sklearn's `f1_score`).
 *
 * @example
 * const macroF1 = await f1Score(yTrue, logits, { numClasses: 10 });
 */
export async function f1Score<A extends Average = 'macro'>(
  yTrue: ClassInput,
  yPred: ClassInput,
  options: ScoreOptions<A>,
): Promise<AverageResult<A>> {
  return (await score(yTrue, yPred, options, 'fbeta', false)) as AverageResult<A>;
}

/**
 * F-beta `(1 + b^2) tp / ((1 + b^2) tp + b^2 fn + fp)` per class, averaged by
 * `options.average` (sklearn's `fbeta_score`); beta > 1 favours recall.
 *
 * @example
 * await fbetaScore(yTrue, yPred, { numClasses: 3, beta: 2, average: 'micro' });
 */
export async function fbetaScore<A extends Average = 'macro'>(
  yTrue: ClassInput,
  yPred: ClassInput,
  options: FBetaOptions<A>,
): Promise<AverageResult<A>> {
  return (await score(yTrue, yPred, options, 'fbeta', true)) as AverageResult<A>;
}
