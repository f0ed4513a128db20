import { NonFiniteError, type TrainingCallback } from '@overfit/core';
import { type ClassificationReportResult, scoresFromConfusion } from '@overfit/metrics';
import { type History, type Progress, Trainer } from '@overfit/training';
import * as tf from '@tensorflow/tfjs';
import type { TrainConfig } from '../args.js';
import { buildAugmentation } from '../augmentation.js';
import { attachDiagnostics, gradientOptions } from '../diagnostics.js';
import type { RunEpoch, RunRecord } from '../output/types.js';
import { buildRegularization } from '../regularization.js';
import { describeEarlyStopping } from '../report.js';
import { describeData, loadDataset, type PreparedData } from './data.js';
import { buildModel, describeModel } from './model.js';

/** How a run ended: every epoch (or early stopping), an interrupt, a non-finite value. */
export type RunStatus = 'complete' | 'interrupted' | 'non-finite';

/** A {@link RunRecord} with how it ended (also recorded in the JSON). */
export interface RunResult extends RunRecord {
  status: RunStatus;
}

/** Lines go to `out` (one per event); nothing else is printed. */
export interface RunIO {
  out: (line: string) => void;
}

export interface RunConfigurationOptions {
  /** Name of the run in the report (default: the configuration described in a few words). */
  name?: string;
  /** Aborting stops training before the next batch; the finished epochs are returned. */
  signal?: AbortSignal;
  /** The Trainer's progress, once per batch. */
  onProgress?: (progress: Progress) => void;
  io: RunIO;
  /** Data shared by several runs (see `loadDataset`); loaded and disposed here when absent. */
  data?: PreparedData;
  /** Why the signal was aborted, for `stopReason` (default `interrupted`). */
  interruptReason?: () => string;
}

/** Train macro-F1 is measured at each epoch end on this many training images (inference mode). */
export const TRAIN_EVAL_SAMPLES = 5000;

const f4 = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? 'n/a' : v.toFixed(4));

/** One epoch as printed: data loss and penalty apart, train macro-F1 beside validation's. */
export function formatRunEpoch(e: RunEpoch, epochs: number): string {
  const penalty = e.penalty === undefined ? '' : `  penalty ${f4(e.penalty)}`;
  const val =
    e.valLoss === undefined
      ? '  (no validation data)'
      : `  val_loss ${f4(e.valLoss)}  val_acc ${f4(e.valAccuracy)}  val_macro_f1 ${f4(e.valMacroF1)}`;
  return (
    `epoch ${e.epoch}/${epochs}: data_loss ${f4(e.dataLoss)}${penalty}  train_macro_f1 ${f4(e.macroF1)}${val}` +
    `  (${(e.seconds ?? 0).toFixed(1)} s, ${Math.round(e.samplesPerSecond ?? 0)} samples/s)`
  );
}

/** A short name of a configuration: `l2=0.01`, `dropout=0.15`, `none`. */
export function describeConfig(config: TrainConfig): string {
  const parts: string[] = [];
  const add = (key: string, value: number | null) => {
    if (value !== null && value > 0) parts.push(`${key}=${value}`);
  };
  add('l1', config.l1);
  add('l2', config.l2);
  add('dropout', config.dropout);
  add('dropconnect', config.dropconnect);
  add('weight-decay', config.weightDecay);
  add('label-smoothing', config.labelSmoothing);
  add('max-norm', config.maxNorm);
  if (config.augment !== null) parts.push(`augment=${config.augment}`);
  if (config.earlyStopping !== null) parts.push('early-stopping');
  return parts.length === 0 ? 'none' : parts.join(',');
}

/**
 * One training run of `config`: data (unless given), model, Trainer with the configuration's
 * regularizers and augmentation, per-epoch validation and train macro-F1, diagnostics, then
 * the test set. Interrupts (the signal) and non-finite stops do not throw: the epochs
 * finished so far come back with `partial: true`, a `stopReason` and no test scores.
 * Everything it creates is disposed before it returns (also on errors).
 */
export async function runConfiguration(
  config: TrainConfig,
  options: RunConfigurationOptions,
): Promise<RunResult> {
  const { io, signal } = options;
  const name = options.name ?? describeConfig(config);
  const ownData = options.data === undefined;
  const data = options.data ?? (await loadDataset(config));
  if (ownData) io.out(describeData(data));
  const augmentation = buildAugmentation(config, data, io);
  const regularization = buildRegularization(config);
  const model = buildModel(config, regularization.model);
  io.out(describeModel(config, model.countParams()));
  const { optimizer } = regularization;
  const evalCount = Math.min(TRAIN_EVAL_SAMPLES, data.train.count);
  const trainEval = {
    x: data.train.x.slice(0, evalCount),
    y: data.train.y.slice(0, evalCount),
  };
  const epochs: RunEpoch[] = [];
  try {
    let epochStart = 0;
    // Created below; the printer needs it for the train macro-F1.
    let trainer: Trainer | undefined;
    const printer: TrainingCallback = {
      onEpochBegin: () => {
        epochStart = performance.now();
      },
      onEpochEnd: async (epoch, logs = {}) => {
        const seconds = (performance.now() - epochStart) / 1000;
        const trainScores =
          trainer && evalCount > 0
            ? await trainer.evaluate(trainEval, { batchSize: 500 })
            : undefined;
        const loss = logs.loss ?? Number.NaN;
        const penalty = logs.penalty;
        const record: RunEpoch = {
          epoch: epoch + 1,
          loss,
          dataLoss: penalty === undefined ? loss : loss - penalty,
          ...(penalty === undefined ? {} : { penalty }),
          ...(logs.accuracy === undefined ? {} : { accuracy: logs.accuracy }),
          ...(trainScores?.macroF1 === undefined ? {} : { macroF1: trainScores.macroF1 }),
          ...(logs.valLoss === undefined
            ? {}
            : {
                valLoss: logs.valLoss,
                valAccuracy: logs.valAccuracy,
                valMacroF1: logs.valMacroF1,
              }),
          seconds,
          samplesPerSecond: data.train.count / seconds,
        };
        epochs.push(record);
        io.out(formatRunEpoch(record, config.epochs));
      },
    };
    trainer = new Trainer({
      model,
      optimizer,
      numClasses: 10,
      seed: config.seed,
      ...(regularization.loss === undefined ? {} : { loss: regularization.loss }),
      penalties: regularization.penalties,
      constraints: regularization.constraints,
      augment: augmentation?.transform,
      ...gradientOptions(config),
      // Early stopping runs after the printer, so a restored model is what the test sees.
      callbacks: [printer, ...regularization.callbacks],
    });
    let history: History;
    let nonFinite: NonFiniteError | undefined;
    try {
      history = await trainer.fit(
        { x: data.train.x, y: data.train.y },
        {
          epochs: config.epochs,
          batchSize: config.batchSize,
          validationData:
            data.validation.count === 0
              ? undefined
              : { x: data.validation.x, y: data.validation.y },
          ...(signal ? { signal } : {}),
          ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        },
      );
    } catch (error) {
      if (!(error instanceof NonFiniteError)) throw error;
      nonFinite = error;
      history = trainer.history ?? { epochs: [], history: {} };
    }
    attachDiagnostics(epochs, history, io);
    const result: RunResult = {
      name,
      config,
      status: 'complete',
      partial: false,
      epochs,
      ...(augmentation ? { augmentation: augmentation.description } : {}),
    } as RunResult;
    const earlyStopping = regularization.earlyStopping?.result();
    if (earlyStopping) {
      io.out(describeEarlyStopping(earlyStopping));
      Object.assign(result, { earlyStopping });
      if (earlyStopping.stoppedEpoch !== null)
        result.stopReason = `early stopping after epoch ${earlyStopping.stoppedEpoch + 1}`;
    }
    result.summary = await weightSummary(model);
    result.weightHistogram = await firstKernelHistogram(model);
    if (nonFinite) {
      return { ...result, status: 'non-finite', partial: true, stopReason: nonFinite.message };
    }
    if (history.stopReason === 'aborted') {
      return {
        ...result,
        status: 'interrupted',
        partial: true,
        stopReason: options.interruptReason?.() ?? 'interrupted',
      };
    }
    const test = await trainer.evaluate({ x: data.test.x, y: data.test.y }, { batchSize: 1000 });
    const confusionMatrix = test.confusionMatrix ?? [];
    io.out(
      `test: macro-F1 ${f4(test.macroF1)}  accuracy ${f4(test.accuracy)}  loss ${f4(test.loss)}`,
    );
    result.test = {
      macroF1: test.macroF1 ?? Number.NaN,
      accuracy: test.accuracy ?? Number.NaN,
      loss: test.loss,
      confusionMatrix,
      ...(confusionMatrix.length > 0
        ? { classificationReport: reportFromConfusion(confusionMatrix, classNames(config.dataset)) }
        : {}),
    };
    return result;
  } finally {
    tf.dispose([trainEval.x, trainEval.y]);
    optimizer.dispose();
    regularization.earlyStopping?.dispose();
    model.dispose();
    if (ownData) data.dispose();
  }
}

/** Below this magnitude a weight counts as zero (the Trainer's diagnostics use the same). */
const SPARSITY_THRESHOLD = 1e-3;

function kernels(model: tf.LayersModel): tf.LayerVariable[] {
  return model.trainableWeights.filter((w) => /kernel/.test(w.name));
}

/**
 * Sparsity (|w| < 1e-3) of the first kernel and of all, L2 norm of all kernels, at the end.
 * Read with `data()`: WebGPU in Node has no synchronous read (it needs an OffscreenCanvas).
 */
async function weightSummary(model: tf.LayersModel): Promise<Record<string, number>> {
  const ks = kernels(model);
  const total = ks.reduce((n, k) => n + k.read().size, 0);
  const first = ks[0]?.read();
  const stats = tf.tidy(() => {
    const zerosOf = (v: tf.Tensor) => v.abs().less(SPARSITY_THRESHOLD).sum().cast('float32');
    let zeros = tf.scalar(0);
    let sumSq = tf.scalar(0);
    for (const k of ks) {
      const v = k.read();
      zeros = zeros.add(zerosOf(v));
      sumSq = sumSq.add(v.square().sum());
    }
    return tf.stack([zeros, sumSq, first ? zerosOf(first) : tf.scalar(0)]);
  });
  let values: Float32Array | Int32Array | Uint8Array;
  try {
    values = await stats.data();
  } finally {
    stats.dispose();
  }
  const [zeros, sumSq, firstZeros] = Array.from(values);
  const summary: Record<string, number> = {
    // As @overfit/report's comparison table labels it: the first layer's kernel.
    sparsity: first === undefined || first.size === 0 ? 0 : firstZeros! / first.size,
    kernelSparsity: total === 0 ? 0 : zeros! / total,
    weightNorm: Math.sqrt(sumSq!),
  };
  return summary;
}

/** 40-bin histogram of the first layer's kernel, over its own range. */
async function firstKernelHistogram(
  model: tf.LayersModel,
  bins = 40,
): Promise<RunRecord['weightHistogram']> {
  const first = kernels(model)[0];
  if (!first) return undefined;
  const values = await first.read().data();
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi >= lo)) return undefined;
  if (hi === lo) hi = lo + 1e-6;
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * width);
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    counts[Math.min(bins - 1, Math.floor((v - lo) / width))]! += 1;
  }
  return { edges, counts };
}

/** Fashion-MNIST's class names (MNIST's are the digits). */
const FASHION_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

function classNames(dataset: TrainConfig['dataset']): string[] {
  return dataset === 'fashion-mnist' ? FASHION_CLASSES : FASHION_CLASSES.map((_, k) => String(k));
}

/** sklearn's classification report (`output_dict=True` shape) from the test confusion matrix. */
function reportFromConfusion(cm: number[][], names: string[]): ClassificationReportResult {
  const s = scoresFromConfusion(cm);
  const total = s.perClass.support.reduce((a, b) => a + b, 0);
  return {
    classes: s.perClass.precision.map((precision, k) => ({
      name: names[k] ?? String(k),
      precision,
      recall: s.perClass.recall[k]!,
      f1: s.perClass.f1[k]!,
      support: s.perClass.support[k]!,
    })),
    accuracy: s.accuracy,
    macroAvg: {
      precision: s.macro.precision,
      recall: s.macro.recall,
      f1: s.macro.f1,
      support: total,
    },
    weightedAvg: {
      precision: s.weighted.precision,
      recall: s.weighted.recall,
      f1: s.weighted.f1,
      support: total,
    },
    digits: 4,
  };
}
