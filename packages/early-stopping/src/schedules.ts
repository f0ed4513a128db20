import {
  type CallbackModel,
  checkInteger,
  checkKnownKeys,
  checkNumber,
  checkOneOf,
  InvalidArgumentError,
  OverfitError,
  register,
  type TrainingCallback,
} from '@overfit/core';
import { Callback } from '@tensorflow/tfjs-layers';
import { setLearningRate } from './learning-rate.js';

/**
 * A learning-rate schedule: the rate at step `t` (an epoch or a batch index, counted from 0,
 * as PyTorch's schedulers count `scheduler.step()` calls). Pure: the same `t`, the same rate.
 */
export interface LearningRateSchedule {
  readonly name: string;
  lr(step: number): number;
  getConfig(): Record<string, number>;
}

function checkStep(step: number): number {
  return checkInteger('step', step, { min: 0 });
}

const positive = { min: 0, minInclusive: false } as const;
const unitOpen = { min: 0, max: 1, minInclusive: false, maxInclusive: false } as const;

/** Options of {@link StepDecay}. */
export interface StepDecayArgs {
  initialLr: number;
  /** Steps between decays (integer >= 1). */
  stepSize: number;
  /** Factor per decay in (0, 1]. Default 0.1 (PyTorch). */
  gamma?: number;
}

/**
 * PyTorch's `StepLR`: `lr(t) = initialLr * gamma ** floor(t / stepSize)`.
 *
 * @example new LearningRateScheduler(new StepDecay({ initialLr: 0.1, stepSize: 30 }))
 */
export class StepDecay implements LearningRateSchedule {
  readonly name = 'stepDecay';
  readonly initialLr: number;
  readonly stepSize: number;
  readonly gamma: number;
  constructor(args: StepDecayArgs) {
    checkKnownKeys('StepDecay options', args, ['initialLr', 'stepSize', 'gamma']);
    this.initialLr = checkNumber('initialLr', args.initialLr, positive);
    this.stepSize = checkInteger('stepSize', args.stepSize, { min: 1 });
    this.gamma = checkNumber('gamma', args.gamma ?? 0.1, { min: 0, max: 1, minInclusive: false });
  }
  lr(step: number): number {
    return this.initialLr * this.gamma ** Math.floor(checkStep(step) / this.stepSize);
  }
  getConfig(): Record<string, number> {
    return { initialLr: this.initialLr, stepSize: this.stepSize, gamma: this.gamma };
  }
}

/** Options of {@link ExponentialDecay}. */
export interface ExponentialDecayArgs {
  initialLr: number;
  /** Factor per step in (0, 1]. */
  gamma: number;
}

/**
 * PyTorch's `ExponentialLR`: `lr(t) = initialLr * gamma ** t`.
 *
 * @example new ExponentialDecay({ initialLr: 0.01, gamma: 0.95 })
 */
export class ExponentialDecay implements LearningRateSchedule {
  readonly name = 'exponentialDecay';
  readonly initialLr: number;
  readonly gamma: number;
  constructor(args: ExponentialDecayArgs) {
    checkKnownKeys('ExponentialDecay options', args, ['initialLr', 'gamma']);
    this.initialLr = checkNumber('initialLr', args.initialLr, positive);
    this.gamma = checkNumber('gamma', args.gamma, { min: 0, max: 1, minInclusive: false });
  }
  lr(step: number): number {
    return this.initialLr * this.gamma ** checkStep(step);
  }
  getConfig(): Record<string, number> {
    return { initialLr: this.initialLr, gamma: this.gamma };
  }
}

/** Options of {@link CosineDecay}. */
export interface CosineDecayArgs {
  /** The rate at the end of the warm-up (the peak). */
  initialLr: number;
  /** Warm-up plus decay steps (integer > warmupSteps). */
  totalSteps: number;
  /** Linear warm-up steps (default 0). */
  warmupSteps?: number;
  /** Warm-up starts at `initialLr * warmupStartFactor`, in (0, 1]. Default 1/3 (PyTorch's LinearLR). */
  warmupStartFactor?: number;
  /** The floor the cosine decays to (`eta_min`). Default 0. */
  minLr?: number;
}

/**
 * Cosine decay with linear warm-up, PyTorch's `SequentialLR([LinearLR(start_factor,
 * total_iters = W), CosineAnnealingLR(T_max = total - W, eta_min)], milestones = [W])`:
 * `t < W`: `initialLr * (s + (1 - s) * t / W)`; else
 * `minLr + (initialLr - minLr) * (1 + cos(pi * (t - W) / (total - W))) / 2`.
 * Past `totalSteps` the cosine continues (as PyTorch's does).
 *
 * @example new CosineDecay({ initialLr: 0.1, totalSteps: 100, warmupSteps: 5 })
 */
export class CosineDecay implements LearningRateSchedule {
  readonly name = 'cosineDecay';
  readonly initialLr: number;
  readonly totalSteps: number;
  readonly warmupSteps: number;
  readonly warmupStartFactor: number;
  readonly minLr: number;
  constructor(args: CosineDecayArgs) {
    checkKnownKeys('CosineDecay options', args, [
      'initialLr',
      'totalSteps',
      'warmupSteps',
      'warmupStartFactor',
      'minLr',
    ]);
    this.initialLr = checkNumber('initialLr', args.initialLr, positive);
    this.warmupSteps = checkInteger('warmupSteps', args.warmupSteps ?? 0, { min: 0 });
    this.totalSteps = checkInteger('totalSteps', args.totalSteps, { min: this.warmupSteps + 1 });
    this.warmupStartFactor = checkNumber('warmupStartFactor', args.warmupStartFactor ?? 1 / 3, {
      min: 0,
      max: 1,
      minInclusive: false,
    });
    this.minLr = checkNumber('minLr', args.minLr ?? 0, { min: 0, max: this.initialLr });
  }
  lr(step: number): number {
    const t = checkStep(step);
    const w = this.warmupSteps;
    if (t < w) {
      const s = this.warmupStartFactor;
      return this.initialLr * (s + ((1 - s) * t) / w);
    }
    const cos = Math.cos((Math.PI * (t - w)) / (this.totalSteps - w));
    return this.minLr + ((this.initialLr - this.minLr) * (1 + cos)) / 2;
  }
  getConfig(): Record<string, number> {
    return {
      initialLr: this.initialLr,
      totalSteps: this.totalSteps,
      warmupSteps: this.warmupSteps,
      warmupStartFactor: this.warmupStartFactor,
      minLr: this.minLr,
    };
  }
}

/** Options of {@link OneCycle} (PyTorch's names and defaults). */
export interface OneCycleArgs {
  maxLr: number;
  /** Steps of the whole cycle (batches, usually: epochs * steps per epoch). */
  totalSteps: number;
  /** Share of the cycle spent rising, in (0, 1). Default 0.3. */
  pctStart?: number;
  /** `initialLr = maxLr / divFactor`. Default 25. */
  divFactor?: number;
  /** `minLr = initialLr / finalDivFactor`. Default 1e4. */
  finalDivFactor?: number;
}

/**
 * PyTorch's `OneCycleLR` (two phases, cosine annealing): from `maxLr / divFactor` up to `maxLr`
 * by step `pctStart * totalSteps - 1`, then down to `initial / finalDivFactor` at
 * `totalSteps - 1`, each phase `end + (start - end) * (1 + cos(pi * pct)) / 2`. Steps past the
 * cycle are refused, as PyTorch refuses them.
 *
 * @example new LearningRateScheduler(new OneCycle({ maxLr: 0.1, totalSteps: epochs * steps }), { per: 'batch' })
 */
export class OneCycle implements LearningRateSchedule {
  readonly name = 'oneCycle';
  readonly maxLr: number;
  readonly totalSteps: number;
  readonly pctStart: number;
  readonly divFactor: number;
  readonly finalDivFactor: number;
  constructor(args: OneCycleArgs) {
    checkKnownKeys('OneCycle options', args, [
      'maxLr',
      'totalSteps',
      'pctStart',
      'divFactor',
      'finalDivFactor',
    ]);
    this.maxLr = checkNumber('maxLr', args.maxLr, positive);
    this.totalSteps = checkInteger('totalSteps', args.totalSteps, { min: 2 });
    this.pctStart = checkNumber('pctStart', args.pctStart ?? 0.3, unitOpen);
    this.divFactor = checkNumber('divFactor', args.divFactor ?? 25, positive);
    this.finalDivFactor = checkNumber('finalDivFactor', args.finalDivFactor ?? 1e4, positive);
    if (this.pctStart * this.totalSteps - 1 <= 0) {
      throw new InvalidArgumentError(
        'pctStart',
        this.pctStart,
        `a share that gives the rising phase at least one step of ${this.totalSteps}`,
      );
    }
  }
  lr(step: number): number {
    const t = checkStep(step);
    if (t >= this.totalSteps) {
      throw new OverfitError(
        `OneCycle: step ${t} is past the cycle's totalSteps ${this.totalSteps} (steps 0..${this.totalSteps - 1})`,
      );
    }
    const initial = this.maxLr / this.divFactor;
    const min = initial / this.finalDivFactor;
    const peak = this.pctStart * this.totalSteps - 1;
    const anneal = (start: number, end: number, pct: number) =>
      end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
    if (t <= peak) return anneal(initial, this.maxLr, t / peak);
    return anneal(this.maxLr, min, (t - peak) / (this.totalSteps - 1 - peak));
  }
  getConfig(): Record<string, number> {
    return {
      maxLr: this.maxLr,
      totalSteps: this.totalSteps,
      pctStart: this.pctStart,
      divFactor: this.divFactor,
      finalDivFactor: this.finalDivFactor,
    };
  }
}

/** Options of {@link LearningRateScheduler}. */
export interface LearningRateSchedulerArgs {
  /** Step the schedule once per epoch (default, PyTorch's usual) or once per batch (OneCycle). */
  per?: 'epoch' | 'batch';
}

/** What tfjs-layers passes to `setModel` (its `Container`); a `LayersModel` at run time. */
type LayersContainer = Parameters<Callback['setModel']>[0];

/**
 * Sets the optimizer's learning rate from a {@link LearningRateSchedule} before each epoch
 * (`per: 'epoch'`, step = the epoch index) or each batch (`per: 'batch'`, step = batches since
 * epoch 0: `initialEpoch * stepsPerEpoch` when resuming). A `tf.Callback`, so it works in
 * `model.fit` (the compiled optimizer) and in the overfit Trainer (the Trainer's optimizer).
 * The rates set are kept in {@link LearningRateScheduler.rates}.
 *
 * @example
 * const sched = new LearningRateScheduler(new CosineDecay({ initialLr: 0.1, totalSteps: 50, warmupSteps: 5 }));
 * await trainer.fit(data, { epochs: 50, callbacks: [sched] });
 */
export class LearningRateScheduler extends Callback implements TrainingCallback {
  readonly schedule: LearningRateSchedule;
  readonly per: 'epoch' | 'batch';
  private trainee: CallbackModel | undefined;
  private step = 0;
  private stepsPerEpoch = 0;
  private history: { step: number; lr: number }[] = [];

  constructor(schedule: LearningRateSchedule, args: LearningRateSchedulerArgs = {}) {
    super();
    if (schedule === null || typeof schedule !== 'object' || typeof schedule.lr !== 'function') {
      throw new InvalidArgumentError('schedule', schedule, 'a LearningRateSchedule { lr(step) }');
    }
    checkKnownKeys('LearningRateScheduler options', args, ['per']);
    this.schedule = schedule;
    this.per = checkOneOf('per', args.per ?? 'epoch', ['epoch', 'batch'] as const);
  }

  /** `(step, lr)` for every rate set in the current (or last) run. */
  get rates(): readonly { step: number; lr: number }[] {
    return this.history;
  }

  override setModel(model: CallbackModel | LayersContainer): void {
    this.trainee = model as CallbackModel;
    super.setModel(model as LayersContainer);
  }

  override setParams(params: Record<string, unknown>): void {
    this.params = params as typeof this.params;
    const steps = params.steps;
    const samples = params.samples;
    const batchSize = params.batchSize;
    this.stepsPerEpoch =
      typeof steps === 'number'
        ? steps
        : typeof samples === 'number' && typeof batchSize === 'number'
          ? Math.ceil(samples / batchSize)
          : 0;
    const initialEpoch = typeof params.initialEpoch === 'number' ? params.initialEpoch : 0;
    this.step = this.per === 'batch' ? initialEpoch * this.stepsPerEpoch : initialEpoch;
  }

  override async onTrainBegin(): Promise<void> {
    this.history = [];
    this.apply(this.per === 'epoch' ? this.step : this.step);
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    if (this.per === 'epoch') this.apply(epoch);
  }

  override async onBatchBegin(): Promise<void> {
    if (this.per === 'batch') this.apply(this.step++);
  }

  private apply(step: number): void {
    const optimizer = this.trainee?.optimizer;
    if (optimizer === undefined) {
      throw new OverfitError(
        'LearningRateScheduler has no optimizer: compile the model (model.fit) or use the overfit Trainer',
      );
    }
    const lr = this.schedule.lr(step);
    const last = this.history.at(-1);
    if (last?.step === step) return;
    setLearningRate(optimizer, lr);
    this.history.push({ step, lr });
  }

  getConfig(): {
    schedule: { name: string; config: Record<string, number> };
    per: 'epoch' | 'batch';
  } {
    return {
      schedule: { name: this.schedule.name, config: this.schedule.getConfig() },
      per: this.per,
    };
  }
}

const SCHEDULES = {
  stepDecay: (c: Record<string, unknown>) => new StepDecay(c as unknown as StepDecayArgs),
  exponentialDecay: (c: Record<string, unknown>) =>
    new ExponentialDecay(c as unknown as ExponentialDecayArgs),
  cosineDecay: (c: Record<string, unknown>) => new CosineDecay(c as unknown as CosineDecayArgs),
  oneCycle: (c: Record<string, unknown>) => new OneCycle(c as unknown as OneCycleArgs),
} as const;

// Names spelled out: a minifier renames classes.
register('stepDecay', 'schedule', SCHEDULES.stepDecay, { cls: StepDecay });
register('exponentialDecay', 'schedule', SCHEDULES.exponentialDecay, { cls: ExponentialDecay });
register('cosineDecay', 'schedule', SCHEDULES.cosineDecay, { cls: CosineDecay });
register('oneCycle', 'schedule', SCHEDULES.oneCycle, { cls: OneCycle });
register(
  'LearningRateScheduler',
  'callback',
  (c) => {
    const { schedule, per } = c as {
      schedule: { name: string; config: Record<string, unknown> };
      per: 'epoch' | 'batch';
    };
    const make = Object.hasOwn(SCHEDULES, schedule?.name)
      ? SCHEDULES[schedule.name as keyof typeof SCHEDULES]
      : undefined;
    if (make === undefined)
      throw new InvalidArgumentError(
        'config.schedule.name',
        schedule?.name,
        `one of ${Object.keys(SCHEDULES).join(', ')}`,
      );
    return new LearningRateScheduler(make(schedule.config), { per });
  },
  { cls: LearningRateScheduler },
);
