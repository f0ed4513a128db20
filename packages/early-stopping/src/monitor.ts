import {
  type CallbackModel,
  checkNumber,
  checkOneOf,
  InvalidArgumentError,
  OverfitError,
  type TrainingCallback,
} from '@overfit/core';
import { Callback, LayersModel } from '@tensorflow/tfjs-layers';
import { type EpochLogs, readMonitor } from './logs.js';

/** Direction of improvement; `auto` infers it from the key (see {@link resolveMode}). */
export type MonitorMode = 'min' | 'max' | 'auto';

/** Keys matching this (case-insensitive) are maximized in `auto` mode; all others minimized. */
export const MAXIMIZED_KEY_PATTERN = /acc|f1|precision|recall|auc/i;

/**
 * Resolves `auto`: `'max'` when the key contains `acc`, `f1`, `precision`, `recall` or `auc`
 * (case-insensitive: `val_acc`, `valMacroF1`, `valAUC`), otherwise `'min'` (`loss`, `mae`, ...).
 *
 * @example resolveMode('valMacroF1', 'auto') // 'max'
 */
export function resolveMode(monitor: string, mode: MonitorMode): 'min' | 'max' {
  if (mode !== 'auto') return mode;
  return MAXIMIZED_KEY_PATTERN.test(monitor) ? 'max' : 'min';
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
