import { checkInteger, checkKnownKeys, checkNumber, register } from '@overfit/core';
import { getLearningRate, setLearningRate } from './learning-rate.js';
import type { EpochLogs } from './logs.js';
import { type MonitorArgs, MonitorCallback, type MonitorMode } from './monitor.js';

/** Options of {@link ReduceLROnPlateau} (Keras' names and defaults). */
export interface ReduceLROnPlateauArgs extends MonitorArgs {
  /** Default `'val_loss'` (matches `valLoss` in Trainer logs too). */
  monitor?: string;
  /** New rate = `max(rate * factor, minLr)`; in (0, 1). Default 0.1. */
  factor?: number;
  /** Epochs without improvement before the rate is reduced. Default 10. */
  patience?: number;
  /** Default 1e-4 (Keras). */
  minDelta?: number;
  /** Epochs after a reduction during which no reduction happens (and wait stays 0). Default 0. */
  cooldown?: number;
  /** Lower bound of the learning rate. Default 0. */
  minLr?: number;
}

/** Plain-JSON form of the options. */
export interface ReduceLROnPlateauConfig {
  monitor: string;
  mode: MonitorMode;
  factor: number;
  patience: number;
  minDelta: number;
  cooldown: number;
  minLr: number;
}

/** One learning-rate change. */
export interface LearningRateReduction {
  epoch: number;
  from: number;
  to: number;
}

const KEYS = ['monitor', 'mode', 'factor', 'patience', 'minDelta', 'cooldown', 'minLr'] as const;

/**
 * Multiplies the optimizer's learning rate by `factor` when the monitored quantity has not
 * improved for `patience` epochs (Keras' `ReduceLROnPlateau`, same defaults and order):
 *
 * ```
 * if cooldownCounter > 0: cooldownCounter -= 1; wait = 0
 * if improves(v, best): best = v; wait = 0
 * else if cooldownCounter == 0:
 *   wait += 1
 *   if wait >= patience and lr > minLr: lr = max(lr * factor, minLr); cooldownCounter = cooldown; wait = 0
 * ```
 *
 * The rate lives in the optimizer's `learningRate` property (see {@link setLearningRate}); the
 * model given by `setModel` must expose its optimizer as `model.optimizer`: a compiled tfjs
 * `LayersModel` does, and the overfit Trainer hands its callbacks the model with the
 * Trainer's own optimizer there (compiled or not). State resets in `onTrainBegin`; the rate itself is not reset.
 *
 * @example
 * const plateau = new ReduceLROnPlateau({ monitor: 'val_loss', factor: 0.5, patience: 2 });
 * await model.fit(x, y, { epochs: 50, validationData: [xv, yv], callbacks: [plateau] });
 * console.log(plateau.reductions); // [{ epoch: 7, from: 0.01, to: 0.005 }, ...]
 */
export class ReduceLROnPlateau extends MonitorCallback {
  readonly factor: number;
  readonly patience: number;
  readonly cooldown: number;
  readonly minLr: number;

  private wait = 0;
  private cooldownCounter = 0;
  private best: number | undefined;
  private changes: LearningRateReduction[] = [];

  constructor(args: ReduceLROnPlateauArgs = {}) {
    checkKnownKeys('ReduceLROnPlateau options', args, KEYS);
    super('ReduceLROnPlateau', args, 'val_loss', 1e-4);
    this.factor = checkNumber('factor', args.factor ?? 0.1, {
      min: 0,
      max: 1,
      minInclusive: false,
      maxInclusive: false,
    });
    this.patience = checkInteger('patience', args.patience ?? 10, { min: 0 });
    this.cooldown = checkInteger('cooldown', args.cooldown ?? 0, { min: 0 });
    this.minLr = checkNumber('minLr', args.minLr ?? 0, { min: 0 });
  }

  /** Reductions made in the current (or last) training run, in order. */
  get reductions(): readonly LearningRateReduction[] {
    return this.changes;
  }
  /** Best monitored value of the current (or last) run, or `undefined`. */
  get bestValue(): number | undefined {
    return this.best;
  }

  override async onTrainBegin(): Promise<void> {
    // Fail before the first step when the rate cannot be changed.
    getLearningRate(this.requireModel().optimizer);
    this.checkMonitorDeclared();
    this.wait = 0;
    this.cooldownCounter = 0;
    this.best = undefined;
    this.changes = [];
  }

  override async onEpochEnd(epoch: number, logs?: EpochLogs): Promise<void> {
    const optimizer = this.requireModel().optimizer;
    const value = await this.read(logs);
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.wait = 0;
    }
    if (this.improves(value, this.best)) {
      this.best = value;
      this.wait = 0;
      return;
    }
    if (this.cooldownCounter > 0) return;
    this.wait += 1;
    if (this.wait < this.patience) return;
    const from = getLearningRate(optimizer);
    if (!(from > this.minLr)) return;
    const to = Math.max(from * this.factor, this.minLr);
    setLearningRate(optimizer, to);
    this.changes.push({ epoch, from, to });
    this.cooldownCounter = this.cooldown;
    this.wait = 0;
  }

  getConfig(): ReduceLROnPlateauConfig {
    return {
      monitor: this.monitor,
      mode: this.mode,
      factor: this.factor,
      patience: this.patience,
      minDelta: this.minDelta,
      cooldown: this.cooldown,
      minLr: this.minLr,
    };
  }

  static fromConfig(config: Partial<ReduceLROnPlateauConfig>): ReduceLROnPlateau {
    return new ReduceLROnPlateau(config);
  }
}

register('ReduceLROnPlateau', 'callback', (config) => ReduceLROnPlateau.fromConfig(config), {
  cls: ReduceLROnPlateau,
});
