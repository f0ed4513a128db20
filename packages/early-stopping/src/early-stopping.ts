import {
  type CallbackModel,
  checkBoolean,
  checkInteger,
  checkKnownKeys,
  checkNumber,
  register,
} from '@overfit/core';
import type { EpochLogs } from './logs.js';
import { type MonitorArgs, MonitorCallback, type MonitorMode } from './monitor.js';
import { WeightSnapshot } from './weights.js';

/** Why training stopped (`notStopped`: it ran all its epochs, or has not stopped yet). */
export type EarlyStoppingReason =
  | 'patience'
  | 'threshold'
  | 'divergence'
  | 'nonFinite'
  | 'notStopped';

/** Options of {@link EarlyStopping}; every one has a default. */
export interface EarlyStoppingArgs extends MonitorArgs {
  /** Log key to watch. Default `'val_loss'` (matches `valLoss` in Trainer logs too). */
  monitor?: string;
  /** Default 0. */
  minDelta?: number;
  /** Epochs without improvement (or without beating `baseline`) before stopping. Default 0. */
  patience?: number;
  /**
   * Value the monitored quantity must beat; while it does not, epochs count toward `patience`
   * even when they improve on the best so far, and the first epoch without improvement stops
   * once that count reaches `patience` (Keras 3: an improving epoch itself never stops).
   * Default: none.
   */
  baseline?: number | null;
  /** Restore the best epoch's weights at the end of training, stopped early or not. Default false. */
  restoreBestWeights?: boolean;
  /** Epochs before this index are ignored entirely (warm-up). Default 0. */
  startFromEpoch?: number;
  /** Stop as soon as the value is strictly better than this (Lightning). Default: none. */
  stoppingThreshold?: number | null;
  /** Stop as soon as the value is strictly worse than this (Lightning). Default: none. */
  divergenceThreshold?: number | null;
  /** Stop when the value is NaN or ±Infinity (Lightning). Default true. */
  checkFinite?: boolean;
}

/** Plain-JSON form of the options (what `getConfig()` returns). */
export interface EarlyStoppingConfig {
  monitor: string;
  mode: MonitorMode;
  minDelta: number;
  patience: number;
  baseline: number | null;
  restoreBestWeights: boolean;
  startFromEpoch: number;
  stoppingThreshold: number | null;
  divergenceThreshold: number | null;
  checkFinite: boolean;
}

/** Outcome of the last (or current) training run, as plain JSON for reports. */
export interface EarlyStoppingResult {
  monitor: string;
  direction: 'min' | 'max';
  stopReason: EarlyStoppingReason;
  /**
   * Epoch index (from 0, as the callbacks' `epoch` argument) at which stopping was signalled;
   * null when training was not stopped.
   */
  stoppedEpoch: number | null;
  /**
   * Epoch index (from 0) of the best value seen; null when no epoch was monitored (or none was
   * finite).
   */
  bestEpoch: number | null;
  bestValue: number | null;
  /** Whether the best weights were written back into the model at the end of training. */
  restoredBestWeights: boolean;
  /**
   * One sentence saying what happened, for people: its epochs count from 1, as training logs
   * print them ("epoch 3/10"), so index 2 reads "epoch 3".
   */
  message: string;
}

const KEYS = [
  'monitor',
  'mode',
  'minDelta',
  'patience',
  'baseline',
  'restoreBestWeights',
  'startFromEpoch',
  'stoppingThreshold',
  'divergenceThreshold',
  'checkFinite',
] as const;

function optionalNumber(argument: string, value: unknown): number | null {
  return value === undefined || value === null ? null : checkNumber(argument, value);
}

/**
 * Stops training when the monitored quantity stops improving: the union of Keras 3's and
 * Lightning's `EarlyStopping`, plus best weights restored at the end of training whenever
 * `restoreBestWeights` is set (also when training ran all its epochs), a stop reason, and state
 * that resets in `onTrainBegin`, so one instance serves several `fit` calls.
 *
 * At each monitored epoch (epoch >= `startFromEpoch`), in this order:
 * 1. non-finite value and `checkFinite` → stop (`nonFinite`);
 * 2. improvement (`min`: `v + minDelta < best`, `max`: `v - minDelta > best`) → new best (and a
 *    device copy of the weights when `restoreBestWeights`); `wait = 0` if `v` also beats
 *    `baseline` (or there is none), else `wait += 1`; no improvement → `wait += 1`;
 * 3. `v` strictly better than `stoppingThreshold` → stop (`threshold`);
 * 4. `v` strictly worse than `divergenceThreshold` → stop (`divergence`);
 * 5. no improvement this epoch and `wait >= patience` → stop (`patience`). As in Keras 3, an
 *    improving epoch never stops for patience, even while `baseline` is unbeaten: a run that
 *    keeps improving runs on, and the first epoch without improvement stops it once `wait`
 *    (which counted the improving epochs too) has reached `patience`.
 *
 * Works as a tfjs-layers `model.fit` callback (it is a `tf.Callback`) and in the overfit Trainer.
 *
 * @example
 * const es = new EarlyStopping({ monitor: 'val_loss', patience: 5, restoreBestWeights: true });
 * await model.fit(x, y, { epochs: 100, validationData: [xv, yv], callbacks: [es] });
 * console.log(es.stopReason, es.bestEpoch, es.bestValue);
 */
export class EarlyStopping extends MonitorCallback {
  readonly patience: number;
  readonly baseline: number | null;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  readonly stoppingThreshold: number | null;
  readonly divergenceThreshold: number | null;
  readonly checkFinite: boolean;

  private wait = 0;
  private best: number | undefined;
  private bestAt: number | undefined;
  private stoppedAt: number | undefined;
  private reason: EarlyStoppingReason = 'notStopped';
  private restored = false;
  private readonly snapshot = new WeightSnapshot();

  constructor(args: EarlyStoppingArgs = {}) {
    checkKnownKeys('EarlyStopping options', args, KEYS);
    super('EarlyStopping', args, 'val_loss', 0);
    this.patience = checkInteger('patience', args.patience ?? 0, { min: 0 });
    this.baseline = optionalNumber('baseline', args.baseline);
    this.restoreBestWeights = checkBoolean('restoreBestWeights', args.restoreBestWeights ?? false);
    this.startFromEpoch = checkInteger('startFromEpoch', args.startFromEpoch ?? 0, { min: 0 });
    this.stoppingThreshold = optionalNumber('stoppingThreshold', args.stoppingThreshold);
    this.divergenceThreshold = optionalNumber('divergenceThreshold', args.divergenceThreshold);
    this.checkFinite = checkBoolean('checkFinite', args.checkFinite ?? true);
  }

  /** Why training stopped; `notStopped` until it does. */
  get stopReason(): EarlyStoppingReason {
    return this.reason;
  }
  /** Epoch at which stopping was signalled, or `undefined`. */
  get stoppedEpoch(): number | undefined {
    return this.stoppedAt;
  }
  /** Epoch with the best monitored value so far, or `undefined`. */
  get bestEpoch(): number | undefined {
    return this.bestAt;
  }
  /** Best monitored value so far, or `undefined`. */
  get bestValue(): number | undefined {
    return this.best;
  }
  /** Epochs since the last improvement that beat the baseline. */
  get waitCount(): number {
    return this.wait;
  }

  override async onTrainBegin(): Promise<void> {
    this.checkMonitorDeclared();
    this.wait = 0;
    this.best = undefined;
    this.bestAt = undefined;
    this.stoppedAt = undefined;
    this.reason = 'notStopped';
    this.restored = false;
    this.snapshot.dispose();
  }

  override async onEpochEnd(epoch: number, logs?: EpochLogs): Promise<void> {
    if (epoch < this.startFromEpoch) return;
    const model = this.requireModel();
    const value = await this.read(logs);
    const stop = this.evaluate(epoch, value, model);
    if (stop !== undefined) {
      this.reason = stop;
      this.stoppedAt = epoch;
      model.stopTraining = true;
    }
  }

  override async onTrainEnd(): Promise<void> {
    if (this.restoreBestWeights && this.trainee !== undefined) {
      this.restored = this.snapshot.restore(this.trainee);
    }
    this.snapshot.dispose();
  }

  /** Frees the best-weights copy (only needed when training was aborted by an exception). */
  dispose(): void {
    this.snapshot.dispose();
  }

  /** The outcome as plain JSON. */
  result(): EarlyStoppingResult {
    return {
      monitor: this.monitor,
      direction: this.direction,
      stopReason: this.reason,
      stoppedEpoch: this.stoppedAt ?? null,
      bestEpoch: this.bestAt ?? null,
      bestValue: this.best ?? null,
      restoredBestWeights: this.restored,
      message: this.message(),
    };
  }

  getConfig(): EarlyStoppingConfig {
    return {
      monitor: this.monitor,
      mode: this.mode,
      minDelta: this.minDelta,
      patience: this.patience,
      baseline: this.baseline,
      restoreBestWeights: this.restoreBestWeights,
      startFromEpoch: this.startFromEpoch,
      stoppingThreshold: this.stoppingThreshold,
      divergenceThreshold: this.divergenceThreshold,
      checkFinite: this.checkFinite,
    };
  }

  static fromConfig(config: Partial<EarlyStoppingConfig>): EarlyStopping {
    return new EarlyStopping(config);
  }

  /** Updates best / wait for one monitored value and returns the stop rule that fired, if any. */
  private evaluate(
    epoch: number,
    value: number,
    model: CallbackModel,
  ): EarlyStoppingReason | undefined {
    if (this.checkFinite && !Number.isFinite(value)) return 'nonFinite';
    const improved = this.improves(value, this.best);
    if (improved) {
      this.best = value;
      this.bestAt = epoch;
      if (this.restoreBestWeights) this.snapshot.capture(model);
      this.wait = this.baseline === null || this.improves(value, this.baseline) ? 0 : this.wait + 1;
    } else {
      this.wait += 1;
    }
    if (this.stoppingThreshold !== null && this.strictlyBetter(value, this.stoppingThreshold))
      return 'threshold';
    if (this.divergenceThreshold !== null && this.strictlyBetter(this.divergenceThreshold, value))
      return 'divergence';
    // As Keras 3: an epoch that improves on the best never stops for patience, even while the
    // baseline is unbeaten (its wait still grows, so the first flat epoch after it can stop).
    if (!improved && this.wait >= this.patience) return 'patience';
    return undefined;
  }

  private strictlyBetter(a: number, b: number): boolean {
    return this.direction === 'min' ? a < b : a > b;
  }

  private message(): string {
    const best =
      this.bestAt === undefined
        ? 'no finite value was seen'
        : `best ${this.monitor} = ${this.best} at epoch ${this.bestAt + 1}`;
    const restored = this.restored ? '; best weights restored' : '';
    switch (this.reason) {
      case 'notStopped':
        return `not stopped; ${best}${restored}`;
      case 'patience':
        return `stopped at epoch ${this.stoppedAt! + 1}: ${this.monitor} did not improve by more than ${this.minDelta} for ${this.wait} epochs${this.baseline === null ? '' : ` (or did not beat baseline ${this.baseline})`}; ${best}${restored}`;
      case 'threshold':
        return `stopped at epoch ${this.stoppedAt! + 1}: ${this.monitor} reached stopping threshold ${this.stoppingThreshold}; ${best}${restored}`;
      case 'divergence':
        return `stopped at epoch ${this.stoppedAt! + 1}: ${this.monitor} crossed divergence threshold ${this.divergenceThreshold}; ${best}${restored}`;
      case 'nonFinite':
        return `stopped at epoch ${this.stoppedAt! + 1}: ${this.monitor} is not finite; ${best}${restored}`;
    }
  }
}

register('EarlyStopping', 'callback', (config) => EarlyStopping.fromConfig(config), {
  cls: EarlyStopping,
});
