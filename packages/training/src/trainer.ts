import {
  checkInteger,
  checkKnownKeys,
  deriveSeed,
  InvalidArgumentError,
  type Logs,
  OverfitError,
  Rng,
} from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { EpochOrder } from './batches.js';
import { callbackModel } from './callbacks.js';
import { evaluateData, predictData } from './evaluate.js';
import {
  type EpochTotals,
  epochLog,
  evalPlan,
  type FitRun,
  metricKeys,
  prepareFit,
  refreshVariables,
} from './fit-run.js';
import { epochLogs, HistoryRecorder, logKeys } from './history.js';
import { meanLoss, type WindowReading } from './meter.js';
import {
  type ResolvedArgs,
  resolveFitOptions,
  resolveTrainerArgs,
  type TrainerArgs,
} from './options.js';
import { RollbackWindow } from './rollback.js';
import { trainStep } from './step.js';
import { checkData } from './targets.js';
import type { EvaluateResult, FitData, FitOptions, History, Progress } from './types.js';
import { layersToUnfreeze, OptimizerOrder } from './unfreezing.js';

/** How often (ms of wall time) the loop lets the event loop run: UI events, an abort click. */
const YIELD_EVERY_MS = 100;

const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) =>
    typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0),
  );

function addReading(totals: EpochTotals, r: WindowReading): void {
  totals.samples += r.samples;
  totals.steps += r.steps;
  totals.lossSum += r.lossSum;
  totals.penaltySum += r.penaltySum;
  totals.correct += r.correct;
  if (r.weighted !== undefined) {
    const w = totals.weighted ?? { dataSum: 0, weightSum: 0 };
    w.dataSum += r.weighted.dataSum;
    w.weightSum += r.weighted.weightSum;
    totals.weighted = w;
  }
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
  private readonly order: OptimizerOrder;

  constructor(args: TrainerArgs) {
    this.args = resolveTrainerArgs(args);
    this.order = new OptimizerOrder(this.args.optimizer);
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
      run = await prepareFit(this.args, data, opts, this.order);
      return await this.runFit(run);
    } finally {
      run?.diagnostics?.dispose();
      tf.dispose([...(run?.owned ?? [])]);
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
    return evaluateData(evalPlan(this.args), checked, batchSize);
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
      metrics: logKeys(metricKeys(this.args, run)),
    });
    await callbacks.onTrainBegin();
    let lastLogs: Logs | undefined;
    for (let epoch = opts.initialEpoch; epoch < opts.epochs; epoch++) {
      if (opts.signal?.aborted) {
        recorder.stop('aborted');
        break;
      }
      for (const l of layersToUnfreeze(run.unfreezing, epoch, opts.initialEpoch))
        l.trainable = true;
      await callbacks.onEpochBegin(epoch);
      refreshVariables(this.args, run, this.order);
      const started = performance.now();
      const totals = await this.runEpoch(run, epoch);
      if (totals === 'aborted') {
        recorder.stop('aborted');
        break;
      }
      const trainMs = performance.now() - started;
      const log = await epochLog(this.args, run, epoch, totals, trainMs);
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
    // Read once per window (one sync), checked for non-finite values and, if bad, undone.
    const window = new RollbackWindow(model, optimizer);
    const totals: EpochTotals = { samples: 0, steps: 0, lossSum: 0, penaltySum: 0, correct: 0 };
    const read = async (): Promise<WindowReading> => {
      const r = await window.read();
      addReading(totals, r);
      return r;
    };
    let aborted = false;
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
        await window.beforeStep(step);
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
        window.add(out, size, step);
        run.samplesSeen += size;
        const progress: Progress = {
          epoch,
          epochs: opts.epochs,
          batch: b,
          batches: bounds.length,
          samplesSeen: run.samplesSeen,
        };
        if (last || (opts.logEvery !== undefined && (b + 1) % opts.logEvery === 0)) {
          const r = await read();
          batchLogs.loss = progress.loss = meanLoss(r);
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
      if (window.pending) await read();
      return aborted ? 'aborted' : totals;
    } finally {
      order.dispose();
      window.dispose();
    }
  }
}
