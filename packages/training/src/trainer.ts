import {
  assertGradientsRegistered,
  checkInteger,
  checkKnownKeys,
  deriveSeed,
  InvalidArgumentError,
  isRegularizedByDefault,
  type Logs,
  listParameters,
  NonFiniteError,
  OverfitError,
  Rng,
} from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { batchBounds, EpochOrder } from './batches.js';
import { CallbackList, callbackModel } from './callbacks.js';
import { DiagnosticsSession } from './diagnostics/session.js';
import { type EvalPlan, evaluateData, predictData } from './evaluate.js';
import { epochLogs, HistoryRecorder, logKeys, METRIC_KEYS } from './history.js';
import { WindowMeter, type WindowReading } from './meter.js';
import {
  type ResolvedArgs,
  type ResolvedFitOptions,
  resolveFitOptions,
  resolveTrainerArgs,
  type TrainerArgs,
} from './options.js';
import { assertTrainingKernels } from './required-kernels.js';
import { TrainingSnapshot } from './snapshot.js';
import { type LayerConstraint, type StepPlan, trainStep } from './step.js';
import { type CheckedData, checkData } from './targets.js';
import type { EpochLog, EvaluateResult, FitData, FitOptions, History, Progress } from './types.js';

/** Host-side sums over one epoch's read windows. */
interface EpochTotals {
  samples: number;
  steps: number;
  lossSum: number;
  penaltySum: number;
  correct: number;
}

/** Per-`fit` state shared by the epochs. */
interface FitRun {
  readonly opts: ResolvedFitOptions;
  readonly train: CheckedData;
  readonly validation: CheckedData | undefined;
  readonly plan: StepPlan;
  readonly bounds: ReadonlyArray<readonly [number, number]>;
  readonly callbacks: CallbackList;
  readonly hasPenalty: boolean;
  /** Gradient statistics, distributions, clipping records (when asked for). */
  readonly diagnostics: DiagnosticsSession | undefined;
  samplesSeen: number;
  /** When the loop last let the event loop run (`performance.now()`). */
  lastYield: number;
}

/** How often (ms of wall time) the loop lets the event loop run: UI events, an abort click. */
const YIELD_EVERY_MS = 100;

const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) =>
    typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0),
  );

/** tfjs' Sequential builds its inner model lazily, and `stopTraining` throws until it exists. */
function ensureBuilt(model: LayersModel): void {
  const lazy = model as unknown as { model?: unknown; build(shape?: unknown): void };
  if (model.getClassName() === 'Sequential' && lazy.model == null) lazy.build();
}

/** Every trainable weight with a layer-declared constraint (`kernelConstraint`, ...). */
function layerConstraints(model: LayersModel): LayerConstraint[] {
  return model.trainableWeights
    .filter((w) => w.constraint != null)
    .map((w) => ({ variable: w.read() as tf.Variable, constraint: w.constraint! }));
}

function addReading(totals: EpochTotals, r: WindowReading): void {
  totals.samples += r.samples;
  totals.steps += r.steps;
  totals.lossSum += r.lossSum;
  totals.penaltySum += r.penaltySum;
  totals.correct += r.correct;
}

/**
 * A custom training loop for tfjs-layers models with explicit gradients: penalties over
 * selected parameters, constraints after each update, seeded shuffling and augmentation,
 * tfjs-layers-compatible callbacks, cancellation and a plain-JSON {@link History}.
 *
 * Each step runs, in one `tf.tidy` and without waiting for the device: batch → augment →
 * forward (training mode) → loss + penalties → gradients → non-finite check → gradient
 * statistics → clipping → optimizer update → constraints (see `trainStep`). With
 * `diagnostics` / `clip`, each epoch's {@link EpochLog} carries `gradNorm` and `diagnostics`. Losses are summed on the device and read once per
 * epoch, or every `logEvery` steps.
 *
 * @example
 * const trainer = new Trainer({ model, optimizer: tf.train.adam(1e-3), penalties: [l2(1e-4)], seed: 1 });
 * const history = await trainer.fit({ x, y }, { epochs: 5, batchSize: 128, validationData: { x: xVal, y: yVal } });
 * history.history.valMacroF1; // one value per epoch
 */
export class Trainer {
  private readonly args: ResolvedArgs;
  private running = false;
  private recorder: HistoryRecorder | undefined;

  constructor(args: TrainerArgs) {
    this.args = resolveTrainerArgs(args);
  }

  get model(): LayersModel {
    return this.args.model;
  }

  get optimizer(): tf.Optimizer {
    return this.args.optimizer;
  }

  /** The seed of shuffling and augmentation (drawn at construction when not given). */
  get seed(): number {
    return this.args.seed;
  }

  /** Class count used for one-hot targets and metrics (`undefined` for regression). */
  get numClasses(): number | undefined {
    return this.args.numClasses;
  }

  /** History of the current or last `fit` (also after it threw), as far as it got. */
  get history(): History | undefined {
    return this.recorder?.result();
  }

  /**
   * Trains for epochs `initialEpoch .. epochs - 1` and resolves with the {@link History}.
   *
   * Stopping: a callback that sets `model.stopTraining = true` ends training after the
   * current batch (the partial epoch is still validated and logged, as in tfjs-layers) →
   * `stopReason: 'stopTraining'`. An aborted `signal` stops before the next step (never
   * mid-update): the partial epoch gets no validation, no `onEpochEnd` and no history entry;
   * `onTrainEnd` runs and the promise resolves with `stopReason: 'aborted'`. The loop lets the
   * event loop run at least every 100 ms (at a step boundary), so a UI's abort gets through.
   *
   * Non-finite values: a step's loss and gradients are checked on the device and read with
   * the loss. On a non-finite value the weights (all of them) and the optimizer state are
   * restored to what they were before the first step of that read window (the optimizer's
   * via `getWeights`/`setWeights`; optimizers without them are restored weights-only), and
   * `fit` rejects with a `NonFiniteError` whose `step` is the first bad global step
   * (`epoch * stepsPerEpoch + batch`). Dropout streams are not rewound.
   *
   * Callback logs: `onBatchEnd` gets `{ batch, size }`, plus `loss` (and `accuracy`) as the
   * window mean on steps where the loss is read; `onEpochEnd` gets the {@link EpochLog}
   * metrics plus the tfjs-layers aliases `acc`, `val_loss`, `val_acc`.
   *
   * @throws {InvalidArgumentError} / {ShapeError} for bad options or data, before any work
   * @throws {NonFiniteError} as described above
   */
  async fit(data: FitData, options: FitOptions): Promise<History> {
    const opts = resolveFitOptions(options);
    if (this.running)
      throw new OverfitError('Trainer.fit is already running on this trainer; await it first');
    this.running = true;
    let run: FitRun | undefined;
    try {
      run = await this.prepare(data, opts);
      return await this.runFit(run);
    } finally {
      run?.diagnostics?.dispose();
      this.running = false;
    }
  }

  /**
   * Loss and (classification) accuracy, macro-F1 and confusion matrix on `data`, in
   * inference mode and in batches (default 32); one device read for the loss, one for the matrix.
   *
   * @example
   * const { loss, accuracy, macroF1, confusionMatrix } = await trainer.evaluate({ x: xTest, y: yTest });
   */
  async evaluate(data: FitData, options: { batchSize?: number } = {}): Promise<EvaluateResult> {
    const batchSize = this.checkBatchSize(options);
    const checked = await checkData('data', data, this.args);
    return evaluateData(this.evalPlan(), checked, batchSize);
  }

  /**
   * Model outputs (logits for classification) for `x` in inference mode, in batches
   * (default 32). The caller owns the returned tensor.
   *
   * @example
   * const logits = trainer.predict(xTest, { batchSize: 256 });
   */
  predict(x: tf.Tensor, options: { batchSize?: number } = {}): tf.Tensor {
    const batchSize = this.checkBatchSize(options);
    if (!(x instanceof tf.Tensor) || x.isDisposed || x.rank < 2 || x.shape[0] === 0) {
      const got =
        x instanceof tf.Tensor
          ? `a tensor of shape [${x.shape.join(', ')}]${x.isDisposed ? ' (disposed)' : ''}`
          : x;
      throw new InvalidArgumentError('x', got, 'a live tensor [N >= 1, ...features]');
    }
    return predictData(this.args.model, x, batchSize);
  }

  private checkBatchSize(options: { batchSize?: number }): number {
    checkKnownKeys('options', options, ['batchSize']);
    return options.batchSize === undefined
      ? 32
      : checkInteger('options.batchSize', options.batchSize, { min: 1 });
  }

  private evalPlan(): EvalPlan {
    const { model, loss, numClasses, classification } = this.args;
    return { model, loss, numClasses, classification };
  }

  /** Everything checked and resolved before the first callback runs. */
  private async prepare(data: FitData, opts: ResolvedFitOptions): Promise<FitRun> {
    const a = this.args;
    // An augment transform may resize images (crops), so only unaugmented data must fit the input.
    const train = await checkData('data', data, a, a.augment === undefined);
    const validation =
      opts.validationData === undefined
        ? undefined
        : await checkData('options.validationData', opts.validationData, a);
    if (a.augment !== undefined && train.x.rank !== 4) {
      throw new InvalidArgumentError(
        'data.x',
        `a tensor of shape [${train.x.shape.join(', ')}]`,
        'image batches [N, H, W, C] when augment is set',
      );
    }
    assertGradientsRegistered();
    assertTrainingKernels(a.model);
    ensureBuilt(a.model);
    const params = listParameters(a.model);
    const variables = a.model.trainableWeights.map((w) => w.read() as tf.Variable);
    if (variables.length === 0) {
      throw new InvalidArgumentError(
        'model',
        a.model.name,
        'a model with at least one trainable weight',
      );
    }
    const plan: StepPlan = {
      model: a.model,
      optimizer: a.optimizer,
      variables,
      loss: a.loss,
      penalties: a.penalties.map((term) => ({
        term,
        params: params.filter(term.select ?? isRegularizedByDefault),
      })),
      lossHook: a.lossHook,
      params,
      constraints: a.constraints.map((constraint) => ({
        constraint,
        params: params.filter(
          (p) => p.trainable && (constraint.select ?? ((q) => q.kind === 'kernel'))(p),
        ),
      })),
      layerConstraints: layerConstraints(a.model),
      augment: a.augment,
      numClasses: a.numClasses,
      classification: a.classification,
      clip: a.clip,
      recordNorms: a.diagnostics?.every !== undefined || a.clip !== undefined,
    };
    const diagnostics = DiagnosticsSession.create({
      model: a.model,
      variables,
      params,
      diagnostics: a.diagnostics,
      clip: a.clip,
      probeData: validation ?? train,
      loss: a.loss,
      numClasses: a.numClasses,
    });
    const layerLosses = tf.tidy(() => a.model.calculateLosses().length);
    return {
      opts,
      train,
      validation,
      plan,
      bounds: batchBounds(train.size, opts.batchSize),
      callbacks: new CallbackList(a.callbacks),
      hasPenalty: a.penalties.length > 0 || a.lossHook !== undefined || layerLosses > 0,
      diagnostics,
      samplesSeen: 0,
      lastYield: performance.now(),
    };
  }

  private metricKeys(run: FitRun): string[] {
    const classification = this.args.classification;
    return METRIC_KEYS.filter((k) => {
      if (k === 'penalty') return run.hasPenalty;
      if (k === 'gradNorm') return run.diagnostics?.recordsNorms === true;
      if (k === 'accuracy') return classification;
      if (k === 'valLoss') return run.validation !== undefined;
      if (k === 'valAccuracy' || k === 'valMacroF1')
        return classification && run.validation !== undefined;
      return true;
    });
  }

  private async runFit(run: FitRun): Promise<History> {
    const { model } = this.args;
    const { opts, callbacks } = run;
    const recorder = new HistoryRecorder();
    this.recorder = recorder;
    const steps = run.diagnostics?.gradientSteps;
    if (steps !== undefined) recorder.trackGradientSteps(steps);
    model.stopTraining = false;
    callbacks.setModel(callbackModel(model, this.args.optimizer));
    callbacks.setParams({
      epochs: opts.epochs,
      initialEpoch: opts.initialEpoch,
      samples: run.train.size,
      steps: run.bounds.length,
      batchSize: opts.batchSize,
      doValidation: run.validation !== undefined,
      metrics: logKeys(this.metricKeys(run)),
    });
    await callbacks.onTrainBegin();
    let lastLogs: Logs | undefined;
    for (let epoch = opts.initialEpoch; epoch < opts.epochs; epoch++) {
      if (opts.signal?.aborted) {
        recorder.stop('aborted');
        break;
      }
      await callbacks.onEpochBegin(epoch);
      const started = performance.now();
      const totals = await this.runEpoch(run, epoch);
      if (totals === 'aborted') {
        recorder.stop('aborted');
        break;
      }
      const trainMs = performance.now() - started;
      const log = await this.epochLog(run, epoch, totals, trainMs);
      log.durationMs = performance.now() - started;
      recorder.add(log);
      lastLogs = epochLogs(log);
      await callbacks.onEpochEnd(epoch, { ...lastLogs });
      if (model.stopTraining) {
        recorder.stop('stopTraining');
        break;
      }
    }
    await callbacks.onTrainEnd(lastLogs === undefined ? undefined : { ...lastLogs });
    return recorder.result();
  }

  /** Trains one epoch; returns its totals, or `'aborted'` when the signal stopped it. */
  private async runEpoch(run: FitRun, epoch: number): Promise<EpochTotals | 'aborted'> {
    const { model, optimizer, seed, augment } = this.args;
    const { opts, bounds, callbacks, diagnostics } = run;
    const order = new EpochOrder(run.train.size, opts.shuffle, seed, epoch);
    const augmentRng =
      augment === undefined ? undefined : new Rng(deriveSeed(seed, `augment/${epoch}`));
    const meter = new WindowMeter();
    const totals: EpochTotals = { samples: 0, steps: 0, lossSum: 0, penaltySum: 0, correct: 0 };
    let snapshot: TrainingSnapshot | null = null;
    let windowStart = 0;
    let aborted = false;
    // The window is read (one sync), checked for non-finite values and, if bad, undone.
    const readWindow = async (): Promise<WindowReading> => {
      const reading = await meter.read();
      const current = snapshot!;
      snapshot = null;
      if (reading.nonFinite !== undefined) {
        const withOptimizer = await current.restore();
        throw new NonFiniteError(
          reading.nonFinite.what,
          reading.nonFinite.step,
          `weights${withOptimizer ? ' and optimizer state' : ''} restored to their values before step ${windowStart}`,
        );
      }
      current.dispose();
      addReading(totals, reading);
      return reading;
    };
    try {
      for (let b = 0; b < bounds.length; b++) {
        if (opts.signal?.aborted) {
          aborted = true;
          break;
        }
        const [start, size] = bounds[b]!;
        const step = epoch * bounds.length + b;
        const batchLogs: Logs = { batch: b, size };
        await callbacks.onBatchBegin(b, batchLogs);
        if (snapshot === null) {
          snapshot = await TrainingSnapshot.take(model, optimizer);
          windowStart = step;
        }
        const last = b === bounds.length - 1;
        const measureUpdate = diagnostics?.measuresUpdate(b, last) ?? false;
        const out = trainStep(run.plan, {
          data: run.train,
          order,
          start,
          size,
          step,
          augmentRng,
          measureUpdate,
        });
        diagnostics?.add(step, out.gradNorms, out.updateRatios);
        meter.add(out, size, step);
        run.samplesSeen += size;
        const progress: Progress = {
          epoch,
          epochs: opts.epochs,
          batch: b,
          batches: bounds.length,
          samplesSeen: run.samplesSeen,
        };
        if (last || (opts.logEvery !== undefined && (b + 1) % opts.logEvery === 0)) {
          const r = await readWindow();
          batchLogs.loss = progress.loss = r.lossSum / r.samples;
          if (this.args.classification) batchLogs.accuracy = r.correct / r.samples;
        }
        await diagnostics?.afterStep(b);
        opts.onProgress?.(progress);
        await callbacks.onBatchEnd(b, batchLogs);
        if (model.stopTraining) break;
        // Like model.fit's yieldEvery 'auto': a yield costs no device sync, only a macrotask.
        if (performance.now() - run.lastYield >= YIELD_EVERY_MS) {
          await yieldToEventLoop();
          run.lastYield = performance.now();
        }
      }
      // Steps since the last read (stopTraining or abort mid-window) are still checked.
      if (meter.pending) await readWindow();
      return aborted ? 'aborted' : totals;
    } finally {
      order.dispose();
      meter.dispose();
      (snapshot as TrainingSnapshot | null)?.dispose();
    }
  }

  private async epochLog(
    run: FitRun,
    epoch: number,
    t: EpochTotals,
    trainMs: number,
  ): Promise<EpochLog> {
    const log: EpochLog = {
      epoch,
      loss: t.lossSum / t.samples,
      samples: t.samples,
      steps: t.steps,
      durationMs: 0,
      samplesPerSecond: trainMs > 0 ? (t.samples * 1000) / trainMs : 0,
    };
    if (run.hasPenalty) log.penalty = t.penaltySum / t.samples;
    if (this.args.classification) log.accuracy = t.correct / t.samples;
    if (run.diagnostics !== undefined) {
      // The rest of the epoch's gradient buffer, weight statistics, probe-batch distributions.
      const { gradNorm, diagnostics } = await run.diagnostics.endEpoch();
      if (gradNorm !== undefined) log.gradNorm = gradNorm;
      log.diagnostics = diagnostics;
    }
    if (run.validation !== undefined) {
      const v = await evaluateData(this.evalPlan(), run.validation, run.opts.batchSize);
      log.valLoss = v.loss;
      if (v.accuracy !== undefined) log.valAccuracy = v.accuracy;
      if (v.macroF1 !== undefined) log.valMacroF1 = v.macroF1;
    }
    return log;
  }
}
