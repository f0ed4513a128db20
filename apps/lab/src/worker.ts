/// <reference lib="webworker" />
/**
 * The training worker: backend selection, MNIST, models, the Trainer. The page sends
 * ToWorker messages and renders the FromWorker ones; nothing here touches the DOM.
 */
import { Rng, type StreamingMetric, type TrainingCallback } from '@overfit/core';
import { splitToTensors } from '@overfit/data';
import { isStochasticLayer, mcDropoutPredict } from '@overfit/regularizers';
import { Trainer } from '@overfit/training';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from './backend.js';
import { augmentationPipeline, buildRun } from './build.js';
import { describeAugmentation, type LabConfig } from './config.js';
import { loadMnist } from './mnist-source.js';
import type { FromWorker, Phase, RunSpec, ToWorker } from './protocol.js';
import { histogram, type McDropoutDigit, type RunRecord, toRunEpoch } from './record.js';

declare const self: DedicatedWorkerGlobalScope;

/** Test images scored at the end of every run. */
const TEST_LIMIT = 2000;
/** Training images scored (inference mode) each epoch for the train macro-F1. */
const TRAIN_EVAL_LIMIT = 2000;
/** The folder serving the gzip'd IDX files (sent by the page with 'init'). */
let mnistBase = '';

const post = (message: FromWorker) => self.postMessage(message);

let ready: Promise<unknown> | undefined;
let running = false;
let paused = false;
let resumers: (() => void)[] = [];
let abort: AbortController | undefined;

function setPaused(value: boolean): void {
  paused = value;
  if (!value) {
    for (const r of resumers) r();
    resumers = [];
  }
  post({ type: 'paused', paused });
}

/** Waits while paused (at a step boundary); Stop resumes it so the abort takes effect. */
async function pausePoint(): Promise<void> {
  while (paused && !abort?.signal.aborted) await new Promise<void>((r) => resumers.push(r));
}

type Splits = Record<'train' | 'validation' | 'test' | 'trainEval', { x: tf.Tensor; y: tf.Tensor }>;

async function loadSplits(config: LabConfig, job: number): Promise<Splits> {
  post({ type: 'phase', job, run: 0, phase: 'loading', detail: 'MNIST' });
  const { data, stats } = await loadMnist(mnistBase, {
    limit: config.limit,
    testLimit: TEST_LIMIT,
    seed: config.seed,
  });
  post({
    type: 'phase',
    job,
    run: 0,
    phase: 'loading',
    detail: `MNIST: ${data.train.count} train / ${data.validation.count} validation / ${data.test.count} test images (${stats.fromCache} files from the cache, ${stats.downloaded} downloaded, ${(stats.compressedBytes / 1e6).toFixed(1)} MB gzip)`,
  });
  const train = splitToTensors(data.train, { shape: 'image' });
  const n = Math.min(TRAIN_EVAL_LIMIT, data.train.count);
  return {
    train,
    validation: splitToTensors(data.validation, { shape: 'image' }),
    test: splitToTensors(data.test, { shape: 'image' }),
    trainEval: { x: tf.slice(train.x, 0, n), y: tf.slice(train.y, 0, n) },
  };
}

async function firstKernelHistogram(model: tf.LayersModel): Promise<RunRecord['weightHistogram']> {
  const kernel = model.trainableWeights.find((w) => w.originalName.endsWith('kernel'));
  if (!kernel) return undefined;
  return histogram(await kernel.read().data(), 40);
}

/**
 * The Trainer's default probed layers (the separate activation layers) plus the output layer,
 * so the student can look at the logits' distribution and the output kernel's gradients too.
 */
function distributionLayerNames(model: tf.LayersModel): string[] {
  const activations = model.layers
    .filter((l) => ['Activation', 'ReLU', 'LeakyReLU', 'ELU', 'PReLU'].includes(l.getClassName()))
    .map((l) => l.name);
  const output = model.layers.at(-1)!.name;
  return [...activations, output];
}

/** Test digits whose MC-dropout predictions are computed; 3 least and 3 most certain are kept. */
const MC_POOL = 100;
const MC_SAMPLES = 30;

/**
 * MC dropout (Gal & Ghahramani) on the first test digits: the dropout-family layers stay on,
 * MC_SAMPLES passes through softmax, the mean probability and a 90 % quantile interval per
 * class. Undefined for a model without stochastic layers.
 */
async function mcDropout(
  model: tf.LayersModel,
  test: { x: tf.Tensor; y: tf.Tensor },
  seed: number,
): Promise<McDropoutDigit[] | undefined> {
  if (!model.layers.some((l) => isStochasticLayer(l))) return undefined;
  // A view of the same layers ending in softmax: the intervals are on probabilities.
  const probabilities = tf.model({
    inputs: model.inputs,
    outputs: tf.layers.softmax().apply(model.outputs[0]!) as tf.SymbolicTensor,
  });
  const n = Math.min(MC_POOL, test.x.shape[0]!);
  const x = tf.slice(test.x, 0, n);
  const p = mcDropoutPredict(probabilities, x, {
    seed,
    samples: MC_SAMPLES,
    interval: 'quantile',
    confidence: 0.9,
  });
  try {
    const [mean, lower, upper, std, pixels, labels] = await Promise.all([
      p.mean.array() as Promise<number[][]>,
      p.lower.array() as Promise<number[][]>,
      p.upper.array() as Promise<number[][]>,
      p.std.array() as Promise<number[][]>,
      x.data(),
      tf.slice(test.y, 0, n).data(),
    ]);
    const top = (i: number) => mean[i]!.indexOf(Math.max(...mean[i]!));
    const order = Array.from({ length: n }, (_, i) => i).sort(
      (a, b) => std[a]![top(a)]! - std[b]![top(b)]!,
    );
    const picked = [...order.slice(0, 3), ...order.slice(-3)];
    return picked.map((i) => ({
      label: labels[i]!,
      pixels: Array.from(pixels.subarray(i * 784, (i + 1) * 784)),
      mean: mean[i]!,
      lower: lower[i]!,
      upper: upper[i]!,
    }));
  } finally {
    tf.dispose([x, p.mean, p.std, p.lower, p.upper]);
  }
}

/** Trains one run; resolves with its record (partial when stopped). */
async function trainRun(
  spec: RunSpec,
  splits: Splits,
  job: number,
  run: number,
): Promise<RunRecord> {
  const config = spec.config;
  const built = buildRun(config);
  const record: RunRecord = { name: spec.name, config, epochs: [], partial: true };
  const phase = (p: Phase, detail?: string) => post({ type: 'phase', job, run, phase: p, detail });
  let trainer: Trainer | undefined;
  // Says when the Trainer's end-of-epoch validation starts (its first validation batch).
  let awaitingValidation = false;
  const validationProbe: StreamingMetric = {
    name: 'labPhase',
    update() {
      if (awaitingValidation) {
        awaitingValidation = false;
        phase('validating', 'validation split');
      }
    },
    compute: () => 0,
    reset() {},
  };
  const epochEnd: TrainingCallback = {
    onBatchEnd: () => pausePoint(),
    onEpochEnd: async () => {
      const log = trainer!.history!.epochs.at(-1)!;
      phase('statistics', 'train macro-F1 on the training split');
      const trainScores = await trainer!.evaluate(splits.trainEval, { batchSize: 256 });
      const epoch = toRunEpoch(log, trainScores.macroF1);
      record.epochs.push(epoch);
      post({ type: 'epoch', job, run, epoch });
    },
  };
  try {
    trainer = new Trainer({
      model: built.model,
      optimizer: built.optimizer,
      numClasses: 10,
      seed: config.seed,
      penalties: built.penalties,
      constraints: built.constraints,
      ...(built.loss ? { loss: built.loss } : {}),
      ...(built.augment ? { augment: built.augment } : {}),
      metrics: [validationProbe],
      callbacks: [epochEnd, ...built.callbacks],
      diagnostics: {
        gradientNorms: true,
        distributions: { layers: distributionLayerNames(built.model) },
      },
    });
    phase('training');
    const history = await trainer.fit(splits.train, {
      epochs: config.epochs,
      batchSize: config.batchSize,
      validationData: splits.validation,
      signal: abort!.signal,
      logEvery: 4,
      onProgress: (p) => {
        post({ type: 'progress', job, run, ...p });
        if (p.batch === p.batches - 1) {
          awaitingValidation = true;
          phase('statistics', 'gradient norms, activation and gradient distributions');
        }
      },
    });
    if (history.stopReason === 'aborted') {
      record.stopReason = 'stopped';
      return record;
    }
    if (history.stopReason === 'stopTraining')
      record.stopReason = `early stopping (patience ${config.patience}${config.restoreBest ? ', best weights restored' : ''})`;
    phase('testing', `${TEST_LIMIT} test images`);
    const test = await trainer.evaluate(splits.test, { batchSize: 500 });
    record.test = {
      macroF1: test.macroF1,
      accuracy: test.accuracy,
      loss: test.loss,
      confusionMatrix: test.confusionMatrix,
    };
    record.weightHistogram = await firstKernelHistogram(built.model);
    phase('statistics', `MC dropout: ${MC_SAMPLES} passes over ${MC_POOL} test digits`);
    const mc = await mcDropout(built.model, splits.test, config.seed);
    if (mc) record.mcDropout = mc;
    record.partial = false;
    return record;
  } finally {
    built.optimizer.dispose();
    built.model.dispose();
  }
}

async function runJob(job: number, runs: RunSpec[]): Promise<void> {
  running = true;
  abort = new AbortController();
  let splits: Splits | undefined;
  try {
    await ready;
    // Every run of a job shares the data: the runs of Compare see the same images.
    splits = await loadSplits(runs[0]!.config, job);
    for (let i = 0; i < runs.length; i++) {
      const record = await trainRun(runs[i]!, splits, job, i);
      post({ type: 'run-done', job, run: i, record: { ...record, epochs: [] } });
      if (abort.signal.aborted) break;
    }
    post({ type: 'job-done', job, stopped: abort.signal.aborted });
  } catch (error) {
    post({ type: 'error', job, message: error instanceof Error ? error.message : String(error) });
  } finally {
    if (splits) tf.dispose(Object.values(splits).flatMap((s) => [s.x, s.y]));
    running = false;
    if (paused) setPaused(false);
  }
}

async function preview(message: Extract<ToWorker, { type: 'preview' }>): Promise<void> {
  await ready;
  const { data } = await loadMnist(mnistBase, { limit: 100, testLimit: message.count, seed: 0 });
  const x = tf.tensor4d(data.test.images, [data.test.count, 28, 28, 1]);
  const pipeline = augmentationPipeline(message.augmentation);
  try {
    const out = pipeline
      ? tf.tidy(() => {
          const params = pipeline.sampleParams(x.shape, new Rng(message.seed));
          return pipeline.apply(x, params);
        })
      : tf.clone(x);
    const [orig, aug] = await Promise.all([x.data(), out.data()]);
    out.dispose();
    const bytes = (flat: Float32Array) => Uint8ClampedArray.from(flat, (v) => Math.round(v * 255));
    const originals = bytes(orig as Float32Array);
    const augmented = bytes(aug as Float32Array);
    self.postMessage(
      {
        type: 'preview',
        originals,
        augmented,
        labels: Array.from(data.test.labels),
        spec: describeAugmentation(message.augmentation),
      } satisfies FromWorker,
      [originals.buffer, augmented.buffer],
    );
  } finally {
    x.dispose();
  }
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'init':
      mnistBase = message.mnistBase;
      ready = chooseBackend(message.backend).then(
        (info) => post({ type: 'backend', info }),
        (error: unknown) => {
          post({
            type: 'backend-failed',
            message: error instanceof Error ? error.message : String(error),
          });
          throw error;
        },
      );
      ready.catch(() => {});
      break;
    case 'train':
      if (running) post({ type: 'error', job: message.job, message: 'a run is in progress' });
      else void runJob(message.job, message.runs);
      break;
    case 'pause':
      if (running) setPaused(true);
      break;
    case 'resume':
      setPaused(false);
      break;
    case 'stop':
      abort?.abort();
      if (paused) setPaused(false);
      break;
    case 'preview':
      preview(message).catch((error: unknown) =>
        post({
          type: 'error',
          message: `preview: ${error instanceof Error ? error.message : String(error)}`,
        }),
      );
      break;
  }
};
