import { checkKnownKeys, register } from '@overfit/core';
import { ConfusionMatrix } from './confusion.js';
import type { FBetaOptions, ScoreOptions } from './functions.js';
import type { ClassInput } from './inputs.js';
import {
  type Average,
  type AverageResult,
  checkAverage,
  checkBeta,
  checkNumClasses,
  checkScoreLabels,
  checkZeroDivision,
  requireOptions,
  type ZeroDivision,
} from './options.js';
import {
  type CheckedReportOptions,
  type ClassificationReportConfig,
  type ClassificationReportOptions,
  type ClassificationReportResult,
  checkReportOptions,
  reportFromConfusion,
} from './report.js';
import { accuracyFromCounts, classCounts, pickScore } from './scores.js';

/**
 * Base of the streaming classification metrics: `update` accumulates a confusion matrix on
 * the device (no host read), `compute` reads it once and scores it on the host, `reset`
 * starts over, `dispose` frees the device memory. Subclasses only say how to score.
 *
 * @example
 * // Balanced accuracy = mean per-class recall.
 * class BalancedAccuracy extends ConfusionMetric<number> {
 *   protected score(cm: number[][]): number {
 *     return cm.reduce((a, row, i) => a + row[i]! / Math.max(1, row.reduce((s, v) => s + v, 0)), 0) / cm.length;
 *   }
 * }
 */
export abstract class ConfusionMetric<R> {
  protected readonly matrix: ConfusionMatrix;

  constructor(numClasses: number) {
    this.matrix = new ConfusionMatrix({ numClasses });
  }

  get numClasses(): number {
    return this.matrix.numClasses;
  }

  /** Adds a batch: `yTrue` ids `[N]` (or `[N, K]` one-hot), `yPred` ids `[N]` or scores `[N, K]`. */
  update(yTrue: ClassInput, yPred: ClassInput): void {
    this.matrix.update(yTrue, yPred);
  }

  /** The metric over everything since the last reset (one host read). */
  async compute(): Promise<R> {
    return this.score(await this.matrix.compute());
  }

  /** The accumulated confusion matrix (one host read). */
  confusion(): Promise<number[][]> {
    return this.matrix.compute();
  }

  reset(): void {
    this.matrix.reset();
  }

  dispose(): void {
    this.matrix.dispose();
  }

  protected abstract score(cm: number[][]): R;
}

/**
 * Streaming accuracy `trace(C) / sum(C)` (`0` before any sample).
 *
 * @example
 * const acc = new Accuracy({ numClasses: 10 });
 * acc.update(labels, logits);
 * await acc.compute();
 */
export class Accuracy extends ConfusionMetric<number> {
  constructor(options: { numClasses: number }) {
    requireOptions(options);
    checkKnownKeys('options', options, ['numClasses']);
    super(checkNumClasses(options.numClasses));
  }

  protected score(cm: number[][]): number {
    return accuracyFromCounts(classCounts(cm), 0);
  }

  /** The constructor options (plain JSON). */
  getConfig(): { numClasses: number } {
    return { numClasses: this.numClasses };
  }

  /** A fresh metric (no counts) from {@link Accuracy.getConfig}'s output. */
  static fromConfig(config: { numClasses: number }): Accuracy {
    return new Accuracy(config);
  }
}

/** What `getConfig()` of {@link Precision}, {@link Recall}, {@link F1Score} returns. */
export type ScoreConfig<A extends Average = Average> = Required<Omit<ScoreOptions<A>, 'labels'>> & {
  labels?: number[] | 'present';
};

/** Shared options handling of {@link Precision}, {@link Recall}, {@link F1Score}, {@link FBetaScore}. */
abstract class AveragedMetric<A extends Average> extends ConfusionMetric<AverageResult<A>> {
  readonly average: A;
  readonly zeroDivision: ZeroDivision;
  /** sklearn's `labels` (see {@link ScoreOptions.labels}); `undefined`: all K classes. */
  readonly labels: readonly number[] | 'present' | undefined;
  protected abstract readonly metric: 'precision' | 'recall' | 'fbeta';
  protected readonly beta: number;

  constructor(options: FBetaOptions<A> | ScoreOptions<A>, withBeta: boolean) {
    requireOptions(options);
    const keys = ['numClasses', 'average', 'zeroDivision', 'labels'];
    checkKnownKeys('options', options, withBeta ? [...keys, 'beta'] : keys);
    const k = checkNumClasses(options.numClasses);
    const average = checkAverage(options.average) as A;
    const zeroDivision = checkZeroDivision(options.zeroDivision);
    const beta = withBeta ? checkBeta((options as FBetaOptions<A>).beta) : 1;
    const labels = checkScoreLabels(options.labels, k);
    super(k);
    this.average = average;
    this.zeroDivision = zeroDivision;
    this.beta = beta;
    this.labels = labels;
  }

  protected score(cm: number[][]): AverageResult<A> {
    return pickScore(
      cm,
      this.metric,
      this.average,
      this.beta,
      this.zeroDivision,
      this.labels,
    ) as AverageResult<A>;
  }

  /** The constructor options with defaults filled in (plain JSON; `labels` only when set). */
  getConfig(): ScoreConfig<A> {
    return {
      numClasses: this.numClasses,
      average: this.average,
      zeroDivision: this.zeroDivision,
      ...(this.labels === undefined
        ? {}
        : { labels: this.labels === 'present' ? 'present' : [...this.labels] }),
    };
  }
}

/**
 * Streaming precision `tp / (tp + fp)` (see {@link precisionScore}).
 *
 * @example
 * const p = new Precision({ numClasses: 10, average: 'none' });
 * p.update(labels, logits);
 * const perClass = await p.compute(); // number[]
 */
export class Precision<A extends Average = 'macro'> extends AveragedMetric<A> {
  protected readonly metric = 'precision';
  constructor(options: ScoreOptions<A>) {
    super(options, false);
  }
  static fromConfig<A extends Average>(config: ScoreOptions<A>): Precision<A> {
    return new Precision(config);
  }
}

/**
 * Streaming recall `tp / (tp + fn)` (see {@link recallScore}).
 *
 * @example
 * const r = new Recall({ numClasses: 10 });
 */
export class Recall<A extends Average = 'macro'> extends AveragedMetric<A> {
  protected readonly metric = 'recall';
  constructor(options: ScoreOptions<A>) {
    super(options, false);
  }
  static fromConfig<A extends Average>(config: ScoreOptions<A>): Recall<A> {
    return new Recall(config);
  }
}

/**
 * Streaming F1 `2 tp / (2 tp + fp + fn)` (see {@link f1Score}); macro by default, the
 * course's validation metric.
 *
 * @example
 * const f1 = new F1Score({ numClasses: 10 });
 * for (const [x, y] of valBatches) f1.update(y, model.predict(x) as tf.Tensor);
 * const valMacroF1 = await f1.compute();
 */
export class F1Score<A extends Average = 'macro'> extends AveragedMetric<A> {
  protected readonly metric = 'fbeta';
  constructor(options: ScoreOptions<A>) {
    super(options, false);
  }
  static fromConfig<A extends Average>(config: ScoreOptions<A>): F1Score<A> {
    return new F1Score(config);
  }
}

/**
 * Streaming F-beta (see {@link fbetaScore}).
 *
 * @example
 * const f2 = new FBetaScore({ numClasses: 10, beta: 2 });
 */
export class FBetaScore<A extends Average = 'macro'> extends AveragedMetric<A> {
  protected readonly metric = 'fbeta';
  constructor(options: FBetaOptions<A>) {
    super(options, true);
  }
  override getConfig(): ScoreConfig<A> & { beta: number } {
    return { ...super.getConfig(), beta: this.beta };
  }
  static fromConfig<A extends Average>(config: FBetaOptions<A>): FBetaScore<A> {
    return new FBetaScore(config);
  }
}

/**
 * Streaming classification report (see {@link classificationReport}).
 *
 * @example
 * const report = new ClassificationReport({ numClasses: 10 });
 * report.update(labels, logits);
 * console.log(formatClassificationReport(await report.compute()));
 */
export class ClassificationReport extends ConfusionMetric<ClassificationReportResult> {
  private readonly options: CheckedReportOptions;

  constructor(options: ClassificationReportOptions) {
    const checked = checkReportOptions(options);
    super(checked.numClasses);
    this.options = checked;
  }

  protected score(cm: number[][]): ClassificationReportResult {
    return reportFromConfusion(cm, this.options);
  }

  /** The constructor options with defaults filled in (plain JSON). */
  getConfig(): ClassificationReportConfig {
    const { labels, ...rest } = this.options;
    return {
      ...rest,
      targetNames: [...rest.targetNames],
      ...(labels === undefined ? {} : { labels: labels === 'present' ? labels : [...labels] }),
    };
  }

  static fromConfig(config: ClassificationReportOptions): ClassificationReport {
    return new ClassificationReport(config);
  }
}

// Registered next to their definitions (core's registry, kind 'metric').
// Names spelled out: a minifier renames classes.
for (const [name, cls] of [
  ['Accuracy', Accuracy],
  ['Precision', Precision],
  ['Recall', Recall],
  ['F1Score', F1Score],
  ['FBetaScore', FBetaScore],
  ['ClassificationReport', ClassificationReport],
] as const) {
  register(name, 'metric', (config) => cls.fromConfig(config as never), { cls });
}
