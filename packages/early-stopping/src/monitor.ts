import {
  type CallbackModel,
  checkNumber,
  checkOneOf,
  InvalidArgumentError,
  OverfitError,
  type TrainingCallback,
} from '@overfit/core';
import { Callback, LayersModel } from '@tensorflow/tfjs-layers';
import { type EpochLogs, findLogKey, MissingMonitorError, readMonitor } from './logs.js';

/** Direction of improvement; `auto` infers it from the key (see {@link resolveMode}). */
export type MonitorMode = 'min' | 'max' | 'auto';

/** Metric names (the key without `val`/`val_`, lowercased, `_` removed) maximized in `auto` mode. */
export const MAXIMIZED_METRICS: readonly string[] = [
  'acc',
  'accuracy',
  'f1',
  'precision',
  'recall',
  'auc',
  'iou',
  'r2',
  'score',
];

/** Metric names minimized in `auto` mode (matched the same way as {@link MAXIMIZED_METRICS}). */
export const MINIMIZED_METRICS: readonly string[] = [
  'loss',
  'error',
  'mae',
  'mse',
  'rmse',
  'mape',
  'crossentropy',
  'hinge',
  'penalty',
];

function metricStem(monitor: string): string {
  return monitor
    .replace(/^val_?(?=[A-Za-z0-9])/, '')
    .toLowerCase()
    .replace(/_/g, '');
}

/**
 * Resolves `auto` as Keras does, from a table rather than a guess: the key without its
 * `val`/`val_` prefix, lowercased and without `_`, ending in a {@link MAXIMIZED_METRICS} name
 * (`val_acc`, `valMacroF1`, `valAUC`, `valMeanIoU`, `valR2`, `valF1Score`) is `'max'`; ending in a
 * {@link MINIMIZED_METRICS} name (`loss`, `val_mae`, `valCrossEntropy`) is `'min'`.
 *
 * @throws InvalidArgumentError for any other key in `auto` mode: say `mode: 'min'` or `'max'`.
 * @example resolveMode('valMacroF1', 'auto') // 'max'
 */
export function resolveMode(monitor: string, mode: MonitorMode): 'min' | 'max' {
  if (mode !== 'auto') return mode;
  const stem = metricStem(monitor);
  // Minimized first: `valAccuracyLoss` is a loss.
  if (MINIMIZED_METRICS.some((m) => stem.endsWith(m))) return 'min';
  if (MAXIMIZED_METRICS.some((m) => stem.endsWith(m))) return 'max';
  throw new InvalidArgumentError(
    'mode',
    'auto',
    `'min' or 'max' for monitor '${monitor}': 'auto' knows only keys ending in ${[...MAXIMIZED_METRICS, ...MINIMIZED_METRICS].join(', ')}`,
  );
}

/**
 * The improvement test shared by every monitor callback (Keras' `_is_improvement`):
 * `min`: `current + minDelta < reference`; `max`: `current - minDelta > reference`.
 * A non-finite `current` never improves; with no `reference` yet, any finite value does.
 *
 * @example isImprovement(0.4, 0.5, 'min', 0.05) // true: 0.45 < 0.5
 */
export function isImprovement(
  current: number,
  reference: number | undefined,
  direction: 'min' | 'max',
  minDelta: number,
): boolean {
  if (!Number.isFinite(current)) return false;
  if (reference === undefined) return true;
  return direction === 'min' ? current + minDelta < reference : current - minDelta > reference;
}

/** Options every monitor callback shares. */
export interface MonitorArgs {
  /** Log key to watch: `val_loss`, `valLoss`, `valMacroF1`, ... (its other spelling is also tried). */
  monitor?: string;
  /** `min`, `max` or `auto` (default; see {@link resolveMode}). */
  mode?: MonitorMode;
  /** Smallest change (absolute, >= 0) that counts as an improvement. */
  minDelta?: number;
}

/** What tfjs-layers passes to `setModel` (its `Container`); a `LayersModel` at run time. */
type LayersContainer = Parameters<Callback['setModel']>[0];

/**
 * Base of the monitor callbacks (Keras' `MonitorCallback`): a monitored log key, a direction,
 * `minDelta` and the improvement test. It extends tfjs-layers' `Callback`, so an instance can be
 * passed to `model.fit({ callbacks })` as is, and satisfies core's `TrainingCallback`, so the
 * overfit Trainer runs it too.
 *
 * tfjs-layers treats a `callbacks` array as callback instances only when its first element is
 * one, and then calls every hook on every element: do not mix plain `{ onEpochEnd }` objects
 * with these callbacks in one array; wrap them in `new tf.CustomCallback({...})`.
 *
 * @example
 * class PrintBest extends MonitorCallback {
 *   private best: number | undefined;
 *   constructor() { super('PrintBest', { monitor: 'val_acc' }, 'val_loss', 0); }
 *   override async onEpochEnd(epoch: number, logs?: EpochLogs) {
 *     const v = await this.read(logs);
 *     if (this.improves(v, this.best)) console.log(`epoch ${epoch}: new best ${(this.best = v)}`);
 *   }
 * }
 */
export abstract class MonitorCallback extends Callback implements TrainingCallback {
  readonly monitor: string;
  readonly mode: MonitorMode;
  /** `mode` with `auto` resolved. */
  readonly direction: 'min' | 'max';
  readonly minDelta: number;
  /** The model given by `setModel`: a tfjs `LayersModel` or the Trainer's model. */
  protected trainee: CallbackModel | undefined;

  protected constructor(
    /** Class name used in error messages. */
    protected readonly callbackName: string,
    args: MonitorArgs,
    defaultMonitor: string,
    defaultMinDelta: number,
  ) {
    super();
    const monitor = args.monitor ?? defaultMonitor;
    if (typeof monitor !== 'string' || monitor.length === 0) {
      throw new InvalidArgumentError(
        'monitor',
        monitor,
        'a non-empty log key such as "val_loss" or "valLoss"',
      );
    }
    this.monitor = monitor;
    this.mode = checkOneOf('mode', args.mode ?? 'auto', ['min', 'max', 'auto'] as const);
    this.direction = resolveMode(monitor, this.mode);
    this.minDelta = checkNumber('minDelta', args.minDelta ?? defaultMinDelta, { min: 0 });
  }

  override setModel(model: CallbackModel | LayersContainer): void {
    const m = model as Partial<CallbackModel> | null;
    if (
      m === null ||
      typeof m !== 'object' ||
      typeof m.getWeights !== 'function' ||
      typeof m.setWeights !== 'function'
    ) {
      throw new InvalidArgumentError(
        `${this.callbackName}.setModel(model)`,
        model,
        'a model with getWeights, setWeights and stopTraining',
      );
    }
    this.trainee = model as CallbackModel;
    this.model = model instanceof LayersModel ? model : (null as unknown as LayersModel);
  }

  override setParams(params: Record<string, unknown>): void {
    this.params = params as typeof this.params;
  }

  /** `current` improves on `reference` by more than `minDelta` in this callback's direction. */
  protected improves(current: number, reference: number | undefined): boolean {
    return isImprovement(current, reference, this.direction, this.minDelta);
  }

  /**
   * Fails before the first epoch when the loop declared its log keys (`params.metrics`, set by
   * `model.fit` and the Trainer) and the monitored key is not among them (in either spelling),
   * e.g. `val_loss` without validation data. Called by every `onTrainBegin`.
   *
   * @throws MissingMonitorError with `when: 'trainBegin'`
   */
  protected checkMonitorDeclared(): void {
    const declared = (this.params as { metrics?: unknown } | undefined)?.metrics;
    if (!Array.isArray(declared) || !declared.every((k) => typeof k === 'string')) return;
    const logs = Object.fromEntries(declared.map((k: string) => [k, 0]));
    if (findLogKey(logs, this.monitor) === undefined)
      throw new MissingMonitorError(this.monitor, declared, this.callbackName, 'trainBegin');
  }

  /** The monitored value of this epoch; throws `MissingMonitorError` when absent. */
  protected read(logs: EpochLogs | undefined): Promise<number> {
    return readMonitor(logs, this.monitor, this.callbackName);
  }

  /** The model, or a clear error when the loop never called `setModel`. */
  protected requireModel(): CallbackModel {
    if (this.trainee === undefined) {
      throw new OverfitError(
        `${this.callbackName} has no model: setModel(model) must be called before training (model.fit and the Trainer do it)`,
      );
    }
    return this.trainee;
  }
}
