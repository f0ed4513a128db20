import {
  type CallbackModel,
  checkBoolean,
  checkKnownKeys,
  checkNumber,
  OverfitError,
  register,
} from '@overfit/core';
import type { EpochLogs } from './logs.js';
import { type MonitorArgs, MonitorCallback, type MonitorMode } from './monitor.js';
import { WeightSnapshot } from './weights.js';

/** Options of {@link BestWeightsKeeper}. */
export interface BestWeightsKeeperArgs extends MonitorArgs {
  /** Default `'val_loss'` (matches `valLoss` in Trainer logs too). */
  monitor?: string;
  /** Default 0. */
  minDelta?: number;
  /** Keep nothing until the value beats this (Keras' `initial_value_threshold`). Default: none. */
  baseline?: number | null;
  /**
   * Forget the kept weights when a new training run begins (default true). Set false to keep
   * the best over several `fit` calls, like Keras' `ModelCheckpoint`, whose `best` persists;
   * epochs are then those of the run that produced the best value.
   */
  resetOnTrainBegin?: boolean;
}

/** Plain-JSON form of the options. */
export interface BestWeightsKeeperConfig {
  monitor: string;
  mode: MonitorMode;
  minDelta: number;
  baseline: number | null;
  resetOnTrainBegin: boolean;
}

const KEYS = ['monitor', 'mode', 'minDelta', 'baseline', 'resetOnTrainBegin'] as const;

/**
 * In-memory `ModelCheckpoint` with `save_best_only`: at every epoch whose monitored value
 * improves on the best so far (and beats `baseline`, if set), keeps a device copy of the model's
 * weights, disposing the previous copy. It never changes training; call {@link restore} to put
 * the kept weights back, and {@link dispose} when they are no longer needed.
 *
 * @example
 * const keeper = new BestWeightsKeeper({ monitor: 'val_acc' });
 * await model.fit(x, y, { epochs: 20, validationData: [xv, yv], callbacks: [keeper] });
 * keeper.restore(); // model now has the weights of epoch keeper.bestEpoch
 * keeper.dispose();
 */
export class BestWeightsKeeper extends MonitorCallback {
  readonly baseline: number | null;
  readonly resetOnTrainBegin: boolean;

  private best: number | undefined;
  private bestAt: number | undefined;
  private readonly snapshot = new WeightSnapshot();

  constructor(args: BestWeightsKeeperArgs = {}) {
    checkKnownKeys('BestWeightsKeeper options', args, KEYS);
    super('BestWeightsKeeper', args, 'val_loss', 0);
    this.baseline =
      args.baseline === undefined || args.baseline === null
        ? null
        : checkNumber('baseline', args.baseline);
    this.resetOnTrainBegin = checkBoolean('resetOnTrainBegin', args.resetOnTrainBegin ?? true);
  }

  /** Epoch of the kept weights, or `undefined` when none are kept. */
  get bestEpoch(): number | undefined {
    return this.bestAt;
  }
  /** Monitored value of the kept weights, or `undefined`. */
  get bestValue(): number | undefined {
    return this.best;
  }
  /** Whether weights are kept. */
  get hasWeights(): boolean {
    return this.snapshot.held;
  }

  override async onTrainBegin(): Promise<void> {
    this.checkMonitorDeclared();
    if (this.resetOnTrainBegin) this.reset();
  }

  override async onEpochEnd(epoch: number, logs?: EpochLogs): Promise<void> {
    const model = this.requireModel();
    const value = await this.read(logs);
    if (!this.improves(value, this.best)) return;
    if (this.baseline !== null && !this.improves(value, this.baseline)) return;
    this.snapshot.capture(model);
    this.best = value;
    this.bestAt = epoch;
  }

  /**
   * Writes the kept weights into `model` (default: the model last given by `setModel`). The
   * copy stays kept, so it can be restored again.
   *
   * @throws OverfitError when no weights are kept or there is no model.
   */
  restore(model: CallbackModel | undefined = this.trainee): void {
    if (!this.snapshot.held) {
      throw new OverfitError(
        `BestWeightsKeeper.restore(): no weights kept yet (monitor '${this.monitor}' never improved${this.baseline === null ? '' : ` on baseline ${this.baseline}`})`,
      );
    }
    if (model === undefined)
      throw new OverfitError(
        'BestWeightsKeeper.restore(): no model given and none set by setModel',
      );
    this.snapshot.restore(model);
  }

  /** Frees the kept weights and forgets the best value. */
  reset(): void {
    this.snapshot.dispose();
    this.best = undefined;
    this.bestAt = undefined;
  }

  /** Same as {@link reset}. */
  dispose(): void {
    this.reset();
  }

  getConfig(): BestWeightsKeeperConfig {
    return {
      monitor: this.monitor,
      mode: this.mode,
      minDelta: this.minDelta,
      baseline: this.baseline,
      resetOnTrainBegin: this.resetOnTrainBegin,
    };
  }

  static fromConfig(config: Partial<BestWeightsKeeperConfig>): BestWeightsKeeper {
    return new BestWeightsKeeper(config);
  }
}

register('BestWeightsKeeper', 'callback', (config) => BestWeightsKeeper.fromConfig(config), {
  cls: BestWeightsKeeper,
});
