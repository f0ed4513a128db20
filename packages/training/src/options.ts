import {
  checkBoolean,
  checkInteger,
  checkKnownKeys,
  checkNumber,
  checkSeed,
  InvalidArgumentError,
  type ParameterConstraint,
  type PenaltyTerm,
  registeredName,
  ShapeError,
  type StreamingMetric,
  type TrainingCallback,
  type Transform,
} from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import {
  type ClassWeightOption,
  type ResolvedClassWeight,
  resolveClassWeight,
} from './class-weights.js';
import {
  type ClipOptions,
  type DiagnosticsOptions,
  type ResolvedClip,
  type ResolvedDiagnostics,
  resolveClip,
  resolveDiagnostics,
} from './diagnostics/options.js';
import { METRIC_KEYS } from './history.js';
import { resolveLoss, softmaxCrossEntropy, softmaxMeanSquaredError } from './losses.js';
import type {
  FitData,
  FitOptions,
  LossFn,
  LossHook,
  LossName,
  MeanLossFn,
  Progress,
} from './types.js';
import { checkUnfreezeSchedule, type UnfreezeStep } from './unfreezing.js';

/** Arguments of the {@link Trainer} constructor. */
export interface TrainerArgs {
  /** A tfjs-layers model with one output (logits for classification). */
  model: LayersModel;
  optimizer: tf.Optimizer;
  /**
   * Default `'softmaxCrossEntropy'` (from logits, one-hot / soft targets); a model whose output
   * layer applies softmax is refused with it (and with `'softmaxMeanSquaredError'`): use
   * `'categoricalCrossEntropy'` (or `'meanSquaredError'`) on its probabilities.
   */
  loss?: LossName | LossFn;
  /**
   * Class count K. Needed for class-id targets and validation metrics; with a classification loss
   * (the default, `'softmaxMeanSquaredError'`, `'categoricalCrossEntropy'`) it is taken from the
   * model's output width when left out.
   */
  numClasses?: number;
  /** Cost penalties; each sees the parameters its `select` picks (default: regularized-by-default ones). */
  penalties?: PenaltyTerm[];
  /** Extra penalty from the step's tensors (added to the loss inside the tape). */
  lossHook?: LossHook;
  /** Projections applied to the selected trainable parameters after every update. */
  constraints?: ParameterConstraint[];
  /** Augmentation of training batches (`[N, H, W, C]` inputs only). */
  augment?: Transform;
  /** Seed of shuffling and augmentation draws; default: drawn at random (see `trainer.seed`). */
  seed?: number;
  /** Callbacks of every `fit` (a `fit` call may add its own, see `FitOptions.callbacks`). */
  callbacks?: TrainingCallback[];
  /**
   * Streaming metrics computed on the validation data each epoch (and in `evaluate`): any
   * `{ update, compute, reset }` (the streaming metrics of `@overfit/metrics` fit). History key
   * `val` + its name with a capital first letter (`F1Score` → `valF1Score`); the name is the
   * metric's `name` or its registered class name. `compute()` must give a number.
   */
  metrics?: StreamingMetric[];
  /**
   * Class weights for the training data loss (Keras' `class_weight`, PyTorch's
   * `CrossEntropyLoss(weight)`): an array of K weights, or `{ [classId]: weight }` (ids left
   * out weigh 1). Finite, >= 0, not all 0. Each batch's data loss is `sum_i s_i l_i / sum_i s_i`
   * with `s_i` the weight of sample i's class (see `classWeightedLoss`); penalties and the
   * validation loss are not weighted. The loss must give per-sample values (the built-ins do).
   */
  classWeight?: ClassWeightOption;
  /** Gradient clipping by global norm and / or by value (stage 7 of the step). */
  clip?: ClipOptions;
  /** Gradient norms, update ratios, activation / gradient distributions and health flags per epoch. */
  diagnostics?: DiagnosticsOptions;
}

/** The constructor's arguments, checked and with defaults filled in. */
export interface ResolvedArgs {
  readonly model: LayersModel;
  readonly optimizer: tf.Optimizer;
  readonly loss: MeanLossFn;
  readonly classification: boolean;
  readonly numClasses: number | undefined;
  /** Last dimension of the model's output, when the model declares it. */
  readonly outputDim: number | undefined;
  /** The model's input shape without the batch axis (`null` where any size goes). */
  readonly inputShape: readonly (number | null)[];
  readonly penalties: readonly PenaltyTerm[];
  readonly lossHook: LossHook | undefined;
  readonly constraints: readonly ParameterConstraint[];
  readonly augment: Transform | undefined;
  readonly seed: number;
  readonly callbacks: readonly TrainingCallback[];
  readonly metrics: readonly ResolvedMetric[];
  readonly clip: ResolvedClip | undefined;
  readonly diagnostics: ResolvedDiagnostics | undefined;
  readonly classWeight: ResolvedClassWeight | undefined;
}

/** A validation metric with its name (`evaluate`'s key) and History key (`val` + Name). */
export interface ResolvedMetric {
  readonly metric: StreamingMetric;
  readonly name: string;
  readonly key: string;
}

/** Fit options checked, with defaults filled in. */
export interface ResolvedFitOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly validationData: FitData | undefined;
  readonly validationSplit: number | undefined;
  readonly callbacks: readonly TrainingCallback[];
  readonly shuffle: boolean;
  readonly initialEpoch: number;
  readonly signal: AbortSignal | undefined;
  readonly onProgress: ((p: Progress) => void) | undefined;
  readonly logEvery: number | undefined;
  readonly unfreeze: readonly UnfreezeStep[];
}

const TRAINER_KEYS = [
  'model',
  'optimizer',
  'loss',
  'numClasses',
  'penalties',
  'lossHook',
  'constraints',
  'augment',
  'seed',
  'callbacks',
  'metrics',
  'clip',
  'diagnostics',
  'classWeight',
];
const FIT_KEYS = [
  'epochs',
  'batchSize',
  'validationData',
  'validationSplit',
  'callbacks',
  'shuffle',
  'initialEpoch',
  'signal',
  'onProgress',
  'logEvery',
  'unfreeze',
];

function isFunction(value: unknown): value is (...args: never[]) => unknown {
  return typeof value === 'function';
}

function checkList<T>(
  argument: string,
  value: unknown,
  isItem: (item: Record<string, unknown>) => boolean,
  allowed: string,
): T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value))
    throw new InvalidArgumentError(argument, value, `an array of ${allowed}`);
  value.forEach((item, i) => {
    const ok = item !== null && typeof item === 'object' && isItem(item as Record<string, unknown>);
    if (!ok) throw new InvalidArgumentError(`${argument}[${i}]`, item, allowed);
  });
  return value as T[];
}

const optionalFunction = (f: unknown) => f === undefined || isFunction(f);

function checkModel(model: unknown): LayersModel {
  const m = model as Partial<LayersModel> | null;
  const ok =
    m !== null &&
    typeof m === 'object' &&
    isFunction(m.apply) &&
    isFunction(m.calculateLosses) &&
    Array.isArray(m.trainableWeights) &&
    Array.isArray(m.outputs);
  if (!ok)
    throw new InvalidArgumentError(
      'model',
      model,
      'a tfjs-layers LayersModel (tf.sequential() / tf.model())',
    );
  if (m.outputs!.length !== 1)
    throw new InvalidArgumentError(
      'model.outputs.length',
      m.outputs!.length,
      '1 (a single-output model)',
    );
  return m as LayersModel;
}

type LayerLike = {
  name: string;
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  outputs?: { sourceLayer: LayerLike }[];
};

/** The layer that produces the model's output, opening nested models. */
function outputLayer(model: LayersModel): LayerLike | undefined {
  let layer = (model.outputs[0] as unknown as { sourceLayer?: LayerLike }).sourceLayer;
  while (layer?.outputs?.length === 1) {
    const inner = layer.outputs[0]!.sourceLayer;
    if (inner === layer) break;
    layer = inner;
  }
  return layer;
}

function appliesSoftmax(layer: LayerLike): boolean {
  if (layer.getClassName() === 'Softmax') return true;
  const activation = layer.getConfig().activation;
  return activation === 'softmax';
}

/**
 * A logits loss on a softmax output would apply softmax twice: training still runs, but the
 * gradients shrink and the model learns slowly or not at all. Refuse it with the fix.
 */
function checkLogitsOutput(model: LayersModel, loss: MeanLossFn): void {
  const fix = LOGITS_LOSSES.get(loss);
  if (fix === undefined) return;
  const layer = outputLayer(model);
  if (layer === undefined || !appliesSoftmax(layer)) return;
  throw new InvalidArgumentError(
    'model',
    `a model whose output layer '${layer.name}' applies softmax`,
    `a model that outputs logits for loss ${fix.name} (softmax would be applied twice): give the output layer activation 'linear', or pass loss: '${fix.onProbabilities}' to train on its probabilities`,
  );
}

/** The built-in losses that take logits, and their counterpart on probabilities. */
const LOGITS_LOSSES = new Map<MeanLossFn, { name: string; onProbabilities: LossName }>([
  [
    softmaxCrossEntropy,
    { name: "'softmaxCrossEntropy', the default", onProbabilities: 'categoricalCrossEntropy' },
  ],
  [
    softmaxMeanSquaredError,
    { name: "'softmaxMeanSquaredError'", onProbabilities: 'meanSquaredError' },
  ],
]);

function resolveMetrics(value: unknown): ResolvedMetric[] {
  const metrics = checkList<StreamingMetric>(
    'metrics',
    value,
    (m) => isFunction(m.update) && isFunction(m.compute) && isFunction(m.reset),
    'a streaming metric { update(yTrue, yPred), compute(), reset(), name? }',
  );
  const taken = new Set<string>(METRIC_KEYS);
  return metrics.map((metric, i) => {
    const name = typeof metric.name === 'string' ? metric.name : registeredName(metric);
    if (name === undefined || !/^[A-Za-z][A-Za-z0-9]*$/.test(name)) {
      throw new InvalidArgumentError(
        `metrics[${i}].name`,
        name,
        'an alphanumeric name (set `name`, or use a registered metric class)',
      );
    }
    const key = `val${name[0]!.toUpperCase()}${name.slice(1)}`;
    if (taken.has(key)) {
      throw new InvalidArgumentError(
        `metrics[${i}].name`,
        name,
        `a name whose History key '${key}' is not taken (give the metric another \`name\`)`,
      );
    }
    taken.add(key);
    return { metric, name, key };
  });
}

/** Checks the constructor's arguments (throws before anything is built). */
export function resolveTrainerArgs(args: TrainerArgs): ResolvedArgs {
  if (args === null || typeof args !== 'object')
    throw new InvalidArgumentError('args', args, 'an options object { model, optimizer, ... }');
  checkKnownKeys('args', args, TRAINER_KEYS);
  const model = checkModel(args.model);
  if (!(args.optimizer instanceof tf.Optimizer)) {
    throw new InvalidArgumentError(
      'optimizer',
      args.optimizer,
      'a tf.Optimizer (tf.train.adam(1e-3), ...)',
    );
  }
  const loss = resolveLoss(args.loss);
  checkLogitsOutput(model, loss);
  const numClasses =
    args.numClasses === undefined
      ? undefined
      : checkInteger('numClasses', args.numClasses, { min: 2 });
  const lastDim = model.outputs[0]!.shape.at(-1);
  const outputDim = typeof lastDim === 'number' ? lastDim : undefined;
  const classification =
    args.loss === undefined ||
    args.loss === 'softmaxCrossEntropy' ||
    args.loss === 'softmaxMeanSquaredError' ||
    args.loss === 'categoricalCrossEntropy' ||
    numClasses !== undefined;
  if (numClasses !== undefined && outputDim !== undefined && numClasses !== outputDim) {
    throw new ShapeError(
      `numClasses is ${numClasses} but the model outputs ${outputDim} values per sample`,
    );
  }
  const resolvedClasses = numClasses ?? (classification ? outputDim : undefined);
  if (classification && (resolvedClasses === undefined || resolvedClasses < 2)) {
    throw new InvalidArgumentError(
      'numClasses',
      resolvedClasses,
      'an integer >= 2 (set it when the model output width is unknown)',
    );
  }
  const penalties = checkList<PenaltyTerm>(
    'penalties',
    args.penalties,
    (p) => typeof p.name === 'string' && isFunction(p.penalty) && optionalFunction(p.select),
    'a PenaltyTerm { name, penalty(params), select? }',
  );
  if (args.lossHook !== undefined && !isFunction(args.lossHook)) {
    throw new InvalidArgumentError(
      'lossHook',
      args.lossHook,
      'a function (ctx) => Scalar | undefined',
    );
  }
  const constraints = checkList<ParameterConstraint>(
    'constraints',
    args.constraints,
    (c) => typeof c.name === 'string' && isFunction(c.project) && optionalFunction(c.select),
    'a ParameterConstraint { name, project(value), select? }',
  );
  const augment = args.augment;
  if (augment !== undefined) {
    const a = augment as unknown as Record<string, unknown> | null;
    const ok =
      a !== null &&
      typeof a === 'object' &&
      isFunction(a.sampleParams) &&
      isFunction(a.apply) &&
      optionalFunction(a.applyToLabels);
    if (!ok)
      throw new InvalidArgumentError(
        'augment',
        augment,
        'a Transform { name, sampleParams, apply, applyToLabels? }',
      );
  }
  const seed =
    args.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : checkSeed('seed', args.seed);
  const callbacks = checkList<TrainingCallback>(
    'callbacks',
    args.callbacks,
    () => true,
    'a callback object (tfjs-layers hook names)',
  );
  const metrics = resolveMetrics(args.metrics);
  const clip = resolveClip(args.clip);
  const diagnostics = resolveDiagnostics(args.diagnostics, model);
  const classWeight = resolveClassWeight(
    args.classWeight,
    resolvedClasses,
    classification,
    loss,
    args.loss,
  );
  return {
    model,
    optimizer: args.optimizer,
    loss,
    classification,
    numClasses: resolvedClasses,
    outputDim,
    inputShape: model.inputs[0]!.shape.slice(1),
    penalties,
    lossHook: args.lossHook,
    constraints,
    augment,
    seed,
    callbacks,
    metrics,
    clip,
    diagnostics,
    classWeight,
  };
}

/** Checks `fit`'s options (throws before any work). */
export function resolveFitOptions(options: FitOptions): ResolvedFitOptions {
  if (options === null || typeof options !== 'object')
    throw new InvalidArgumentError('options', options, 'an options object { epochs, ... }');
  checkKnownKeys('options', options, FIT_KEYS);
  const epochs = checkInteger('options.epochs', options.epochs, { min: 1 });
  const batchSize =
    options.batchSize === undefined
      ? 32
      : checkInteger('options.batchSize', options.batchSize, { min: 1 });
  const shuffle =
    options.shuffle === undefined ? true : checkBoolean('options.shuffle', options.shuffle);
  const initialEpoch =
    options.initialEpoch === undefined
      ? 0
      : checkInteger('options.initialEpoch', options.initialEpoch, { min: 0, max: epochs - 1 });
  const signal = options.signal;
  if (
    signal !== undefined &&
    (signal === null || typeof signal !== 'object' || typeof signal.aborted !== 'boolean')
  ) {
    throw new InvalidArgumentError('options.signal', signal, 'an AbortSignal');
  }
  if (options.onProgress !== undefined && !isFunction(options.onProgress)) {
    throw new InvalidArgumentError(
      'options.onProgress',
      options.onProgress,
      'a function (progress) => void',
    );
  }
  const logEvery =
    options.logEvery === undefined
      ? undefined
      : checkInteger('options.logEvery', options.logEvery, { min: 1 });
  const validationData = options.validationData;
  if (
    validationData !== undefined &&
    (validationData === null || typeof validationData !== 'object')
  ) {
    throw new InvalidArgumentError(
      'options.validationData',
      validationData,
      'an object { x: Tensor, y: Tensor }',
    );
  }
  // Keras' default 0.0: no split.
  const validationSplit =
    options.validationSplit === undefined || options.validationSplit === 0
      ? undefined
      : checkNumber('options.validationSplit', options.validationSplit, {
          min: 0,
          max: 1,
          minInclusive: false,
          maxInclusive: false,
        });
  if (validationSplit !== undefined && validationData !== undefined) {
    throw new InvalidArgumentError(
      'options.validationSplit',
      validationSplit,
      'left out when options.validationData is given (one source of validation data)',
    );
  }
  const callbacks = checkList<TrainingCallback>(
    'options.callbacks',
    options.callbacks,
    () => true,
    'a callback object (tfjs-layers hook names)',
  );
  return {
    epochs,
    batchSize,
    validationData,
    validationSplit,
    callbacks,
    shuffle,
    initialEpoch,
    signal,
    onProgress: options.onProgress,
    logEvery,
    unfreeze: checkUnfreezeSchedule(options.unfreeze, epochs),
  };
}
