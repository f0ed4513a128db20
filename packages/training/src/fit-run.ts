import {
  assertGradientsRegistered,
  InvalidArgumentError,
  isRegularizedByDefault,
  listParameters,
  OverfitError,
} from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { batchBounds } from './batches.js';
import { CallbackList } from './callbacks.js';
import { DiagnosticsSession } from './diagnostics/session.js';
import { type EvalPlan, evaluateData } from './evaluate.js';
import { METRIC_KEYS } from './history.js';
import { meanLoss } from './meter.js';
import type { ResolvedArgs, ResolvedFitOptions } from './options.js';
import { assertTrainingKernels } from './required-kernels.js';
import type { LayerConstraint, StepPlan } from './step.js';
import { type CheckedData, checkData } from './targets.js';
import type { EpochLog, FitData } from './types.js';
import { type OptimizerOrder, planUnfreezing, sameVariables } from './unfreezing.js';

/** Host-side sums over one epoch's read windows. */
export interface EpochTotals {
  samples: number;
  steps: number;
  lossSum: number;
  penaltySum: number;
  correct: number;
  /** Class-weighted sums (with class weights). */
  weighted?: { dataSum: number; weightSum: number };
}

/** Per-`fit` state shared by the epochs. */
export interface FitRun {
  readonly opts: ResolvedFitOptions;
  readonly train: CheckedData;
  readonly validation: CheckedData | undefined;
  /** Rebound at an epoch boundary when the trainable weights change. */
  plan: StepPlan;
  /** Layers that start training at an epoch (gradual unfreezing), by epoch. */
  readonly unfreezing: ReadonlyMap<number, LayersModel['layers']>;
  readonly bounds: ReadonlyArray<readonly [number, number]>;
  /** The Trainer's callbacks, then this `fit` call's. */
  readonly callbacks: CallbackList;
  readonly hasPenalty: boolean;
  /** Gradient statistics, distributions, clipping records (when asked for). */
  readonly diagnostics: DiagnosticsSession | undefined;
  /** Tensors this `fit` made (the `validationSplit` slices), disposed when it ends. */
  readonly owned: readonly tf.Tensor[];
  samplesSeen: number;
  /** When the loop last let the event loop run (`performance.now()`). */
  lastYield: number;
}

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

/**
 * Keras' `validation_split`: the last `fraction` of the samples (before any shuffling) is held
 * out, `split = floor(n * (1 - fraction))`. Both parts must be non-empty.
 */
function splitValidation(
  data: FitData,
  fraction: number,
): { train: FitData; validation: FitData; owned: tf.Tensor[] } {
  const n = data.x?.shape?.[0];
  if (!(data.x instanceof tf.Tensor) || !(data.y instanceof tf.Tensor) || n === undefined)
    throw new InvalidArgumentError('data', data, 'an object { x: Tensor, y: Tensor }');
  const split = Math.floor(n * (1 - fraction));
  if (split < 1 || split >= n) {
    throw new InvalidArgumentError(
      'options.validationSplit',
      fraction,
      `a fraction that leaves at least one training and one validation sample of ${n}`,
    );
  }
  const rows = (t: tf.Tensor, start: number, size: number) =>
    tf.slice(t, [start, ...t.shape.slice(1).map(() => 0)], [size, ...t.shape.slice(1)]);
  const owned = [rows(data.x, 0, split), rows(data.y, 0, split)];
  owned.push(rows(data.x, split, n - split), rows(data.y, split, n - split));
  return {
    train: { x: owned[0]!, y: owned[1]! },
    validation: { x: owned[2]!, y: owned[3]! },
    owned,
  };
}

/** What a step needs that depends on which variables train. */
type BoundVariables = Pick<
  StepPlan,
  'variables' | 'params' | 'penalties' | 'constraints' | 'layerConstraints'
>;

/** Binds penalties and constraints to the parameters as they are now (trainable or not). */
function bindVariables(a: ResolvedArgs, variables: tf.Variable[]): BoundVariables {
  const params = listParameters(a.model);
  return {
    variables,
    params,
    penalties: a.penalties.map((term) => ({
      term,
      params: params.filter(term.select ?? isRegularizedByDefault),
    })),
    constraints: a.constraints.map((constraint) => ({
      constraint,
      params: params.filter((p) => p.trainable && (constraint.select ?? isRegularizedByDefault)(p)),
    })),
    layerConstraints: layerConstraints(a.model),
  };
}

/**
 * At an epoch boundary: when the model's trainable weights changed (gradual unfreezing, a
 * callback's `unfreeze`), rebinds the step's variables, penalties and constraints; new
 * variables go to the end of the optimizer's list (see {@link OptimizerOrder}).
 *
 * @throws OverfitError when no weight trains, or with diagnostics on (their per-layer
 *   buffers are sized once per fit)
 */
export function refreshVariables(a: ResolvedArgs, run: FitRun, order: OptimizerOrder): void {
  const variables = order.variables(a.model);
  if (sameVariables(variables, run.plan.variables)) return;
  if (variables.length === 0)
    throw new OverfitError('Trainer: no trainable weight at the start of this epoch');
  if (run.diagnostics !== undefined) {
    throw new OverfitError(
      'Trainer: the trainable weights changed during a fit with diagnostics on; diagnostics need the same weights for the whole fit (unfreeze between fits instead)',
    );
  }
  run.plan = { ...run.plan, ...bindVariables(a, variables) };
}

/** Everything checked and resolved before the first callback runs. */
export async function prepareFit(
  a: ResolvedArgs,
  data: FitData,
  opts: ResolvedFitOptions,
  order: OptimizerOrder,
): Promise<FitRun> {
  const split =
    opts.validationSplit === undefined ? undefined : splitValidation(data, opts.validationSplit);
  try {
    return await prepareChecked(
      a,
      split?.train ?? data,
      split?.validation ?? opts.validationData,
      opts,
      split?.owned ?? [],
      order,
    );
  } catch (error) {
    tf.dispose(split?.owned ?? []);
    throw error;
  }
}

async function prepareChecked(
  a: ResolvedArgs,
  data: FitData,
  validationData: FitData | undefined,
  opts: ResolvedFitOptions,
  owned: tf.Tensor[],
  order: OptimizerOrder,
): Promise<FitRun> {
  // An augment transform may resize images (crops), so only unaugmented data must fit the input.
  const train = await checkData('data', data, a, a.augment === undefined);
  const validation =
    validationData === undefined
      ? undefined
      : await checkData('options.validationData', validationData, a);
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
  const unfreezing = planUnfreezing(a.model, opts.unfreeze);
  if (unfreezing.size > 0 && a.diagnostics !== undefined) {
    throw new InvalidArgumentError(
      'options.unfreeze',
      opts.unfreeze,
      'left out when the Trainer has diagnostics (they need the same weights for the whole fit)',
    );
  }
  const variables = order.variables(a.model);
  if (variables.length === 0 && unfreezing.size === 0) {
    throw new InvalidArgumentError(
      'model',
      a.model.name,
      'a model with at least one trainable weight',
    );
  }
  const bound = bindVariables(a, variables);
  const { params } = bound;
  const plan: StepPlan = {
    model: a.model,
    optimizer: a.optimizer,
    loss: a.loss,
    lossHook: a.lossHook,
    ...bound,
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
  // Made last: nothing after it can throw, so it cannot leak.
  const classWeights = a.classWeight && tf.tensor1d(a.classWeight.weights as number[]);
  return {
    opts,
    train,
    validation,
    plan:
      classWeights === undefined
        ? plan
        : { ...plan, classWeight: { weights: classWeights, perSample: a.classWeight!.perSample } },
    unfreezing,
    bounds: batchBounds(train.size, opts.batchSize),
    callbacks: new CallbackList([...a.callbacks, ...opts.callbacks]),
    hasPenalty: a.penalties.length > 0 || a.lossHook !== undefined || layerLosses > 0,
    diagnostics,
    owned: classWeights === undefined ? owned : [...owned, classWeights],
    samplesSeen: 0,
    lastYield: performance.now(),
  };
}

/** The keys this run's epoch logs will carry (what `params.metrics` announces). */
export function metricKeys(a: ResolvedArgs, run: FitRun): string[] {
  const validated = run.validation !== undefined;
  const builtIn = METRIC_KEYS.filter((k) => {
    if (k === 'penalty') return run.hasPenalty;
    if (k === 'gradNorm') return run.diagnostics?.recordsNorms === true;
    if (k === 'accuracy') return a.classification;
    if (k === 'valLoss') return validated;
    if (k === 'valAccuracy' || k === 'valMacroF1') return a.classification && validated;
    return true;
  });
  return validated ? [...builtIn, ...a.metrics.map((m) => m.key)] : builtIn;
}

/** What evaluation needs from the Trainer's arguments. */
export function evalPlan(a: ResolvedArgs): EvalPlan {
  const { model, loss, numClasses, classification, metrics } = a;
  return { model, loss, numClasses, classification, metrics };
}

/** The epoch's record: training means, diagnostics, then validation (loss, scores, metrics). */
export async function epochLog(
  a: ResolvedArgs,
  run: FitRun,
  epoch: number,
  t: EpochTotals,
  trainMs: number,
): Promise<EpochLog> {
  const log: EpochLog = {
    epoch,
    loss: meanLoss(t),
    samples: t.samples,
    steps: t.steps,
    durationMs: 0,
    samplesPerSecond: trainMs > 0 ? (t.samples * 1000) / trainMs : 0,
  };
  if (run.hasPenalty) log.penalty = t.penaltySum / t.samples;
  if (a.classification) log.accuracy = t.correct / t.samples;
  if (run.diagnostics !== undefined) {
    // The rest of the epoch's gradient buffer, weight statistics, probe-batch distributions.
    const { gradNorm, diagnostics } = await run.diagnostics.endEpoch();
    if (gradNorm !== undefined) log.gradNorm = gradNorm;
    log.diagnostics = diagnostics;
  }
  if (run.validation !== undefined) {
    const v = await evaluateData(evalPlan(a), run.validation, run.opts.batchSize);
    log.valLoss = v.loss;
    if (v.accuracy !== undefined) log.valAccuracy = v.accuracy;
    if (v.macroF1 !== undefined) log.valMacroF1 = v.macroF1;
    if (v.metrics !== undefined) {
      log.metrics = {};
      for (const m of a.metrics) log.metrics[m.key] = v.metrics[m.name]!;
    }
  }
  return log;
}
