import type { Parameter, ParameterConstraint, PenaltyTerm, Rng, Transform } from '@overfit/core';
import { l2Norms } from '@overfit/metrics';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { EpochOrder } from './batches.js';
import { classWeightedLoss } from './class-weights.js';
import { clipGradients } from './diagnostics/clip.js';
import type { ResolvedClip } from './diagnostics/options.js';
import { gradientsOrThrow } from './gradients.js';
import type { PerSampleLossFn } from './losses.js';
import { type CheckedData, denseTargets } from './targets.js';
import type { LossHook, MeanLossFn } from './types.js';

/** A penalty term with its parameter selection resolved once per `fit`. */
export interface BoundPenalty {
  readonly term: PenaltyTerm;
  readonly params: readonly Parameter[];
}

/** A constraint with the (trainable) parameters it projects, resolved once per `fit`. */
export interface BoundConstraint {
  readonly constraint: ParameterConstraint;
  readonly params: readonly Parameter[];
}

/**
 * A constraint a layer declares on one of its weights (`kernelConstraint`, `biasConstraint`,
 * ...): tfjs-layers applies it only when the weight is written through `setWeights`, so the
 * Trainer projects it itself after every update.
 */
export interface LayerConstraint {
  readonly variable: tf.Variable;
  readonly constraint: { apply(w: tf.Tensor): tf.Tensor };
}

/** Everything a step needs that does not change between steps (built once per `fit`). */
export interface StepPlan {
  readonly model: LayersModel;
  readonly optimizer: tf.Optimizer;
  /** The variables gradients are taken for: the model's trainable weights. */
  readonly variables: readonly tf.Variable[];
  readonly loss: MeanLossFn;
  readonly penalties: readonly BoundPenalty[];
  readonly lossHook: LossHook | undefined;
  /** Every model parameter (what the loss hook sees). */
  readonly params: readonly Parameter[];
  readonly constraints: readonly BoundConstraint[];
  /** The layers' own weight constraints (trainable weights only), projected in stage 9 too. */
  readonly layerConstraints: readonly LayerConstraint[];
  readonly augment: Transform | undefined;
  readonly numClasses: number | undefined;
  /** Count correct argmax predictions (classification). */
  readonly classification: boolean;
  /** Gradient clipping (stage 7), if any. */
  readonly clip: ResolvedClip | undefined;
  /** Measure per-parameter gradient norms each step (stage 6; needed by `clip.globalNorm` too). */
  readonly recordNorms: boolean;
  /** Class weights of the data loss (stage 4), if any: one per class, and the per-sample loss. */
  readonly classWeight?: { readonly weights: tf.Tensor1D; readonly perSample: PerSampleLossFn };
}

/** Where this step's batch comes from. */
export interface StepBatch {
  readonly data: CheckedData;
  readonly order: EpochOrder;
  readonly start: number;
  readonly size: number;
  /** Global step index (`epoch * stepsPerEpoch + batch`). */
  readonly step: number;
  /** This epoch's augmentation stream (present when the plan augments). */
  readonly augmentRng: Rng | undefined;
  /** Sample this step's update / weight ratios (costs a copy of the weights: not every step). */
  readonly measureUpdate: boolean;
}

/**
 * What a step leaves on the device (all scalars; nothing is read back here): the total
 * objective, its penalty part, the number of correct predictions, and two bool flags that
 * say whether the loss and the gradients were finite.
 */
export interface StepOutputs {
  readonly loss: tf.Scalar;
  readonly penalty: tf.Scalar;
  readonly correct: tf.Scalar;
  readonly lossFinite: tf.Scalar;
  readonly gradsFinite: tf.Scalar;
  /** `[P]` L2 norms of the raw (pre-clip) gradients, in `plan.variables` order (when recorded). */
  readonly gradNorms?: tf.Tensor1D;
  /** `[P]` `||w_after - w_before|| / ||w_before||` (when `measureUpdate`). */
  readonly updateRatios?: tf.Tensor1D;
  /** Sum of the batch's sample weights (with class weights): its weight in the epoch mean. */
  readonly weight?: tf.Scalar;
}

function forward(model: LayersModel, x: tf.Tensor): tf.Tensor {
  // training: true puts the dropout family and batch norm in training mode.
  return model.apply(x, { training: true }) as tf.Tensor;
}

/** The data loss: the batch mean, or the class-weighted mean and the batch's weight sum. */
function dataLoss(
  plan: StepPlan,
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
): { loss: tf.Scalar; weight?: tf.Scalar } {
  if (plan.classWeight === undefined) return { loss: plan.loss(yTrue, yPred) };
  const { perSample, weights } = plan.classWeight;
  return classWeightedLoss(perSample, weights, yTrue, yPred);
}

/** Sum of the penalty terms, the layers' own regularizer losses and the loss hook's extra. */
function penaltySum(
  plan: StepPlan,
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  x: tf.Tensor,
  step: number,
): tf.Scalar {
  const parts: tf.Scalar[] = plan.penalties.map((p) => p.term.penalty(p.params));
  // kernelRegularizer & co: model.fit adds these too, so a model behaves the same in both loops.
  parts.push(...plan.model.calculateLosses());
  const extra = plan.lossHook?.({ params: plan.params, yTrue, yPred, x, step });
  if (extra !== undefined) parts.push(extra);
  return parts.length === 0 ? (tf.zeros([]) as tf.Scalar) : (tf.addN(parts) as tf.Scalar);
}

function allFinite(tensors: tf.Tensor[]): tf.Scalar {
  // One reduction per tensor: any NaN/Inf element makes its sum non-finite.
  return tf.isFinite(tf.addN(tensors.map((t) => tf.sum(t)))) as tf.Scalar;
}

/** `||w_after - w_before||_2 / ||w_before||_2` per variable (NaN where `w_before` is 0). */
function updateRatios(
  variables: readonly tf.Variable[],
  before: readonly tf.Tensor[],
): tf.Tensor1D {
  return tf.div(
    l2Norms(variables.map((v, i) => tf.sub(v, before[i]!))),
    l2Norms(before),
  ) as tf.Tensor1D;
}

function countCorrect(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  return tf.sum(
    tf.cast(tf.equal(tf.argMax(yPred, -1), tf.argMax(yTrue, -1)), 'float32'),
  ) as tf.Scalar;
}

/**
 * One training step, every stage in order (ARCHITECTURE.md "One training step") inside one
 * `tf.tidy`; it never waits for the device. The gradient norms (stage 6) are those of the
 * raw gradients; the update ratio is measured after stage 9 from a copy taken in stage 6.
 */
export function trainStep(plan: StepPlan, batch: StepBatch): StepOutputs {
  return tf.tidy((): StepOutputs & tf.TensorContainerObject => {
    // 1. the next batch, in this epoch's seeded order, gathered on the device
    let x = batch.order.rows(batch.data.x, batch.start, batch.size);
    let yTrue = denseTargets(
      batch.order.rows(batch.data.y, batch.start, batch.size),
      batch.data.targets,
      plan.numClasses,
    );

    // 2. augmentation (training only): images and labels share one parameter draw
    if (plan.augment !== undefined) {
      const params = plan.augment.sampleParams(x.shape, batch.augmentRng!);
      const images = plan.augment.apply(x, params);
      if (plan.augment.applyToLabels) yTrue = plan.augment.applyToLabels(yTrue, params);
      x = images;
    }

    // 3-4. forward pass in training mode; loss = data loss + penalties
    let yPred: tf.Tensor | undefined;
    let penalty: tf.Scalar | undefined;
    let weight: tf.Scalar | undefined;
    try {
      const { value: loss, grads } = gradientsOrThrow(
        (f, vars) => plan.optimizer.computeGradients(f, vars),
        () => {
          // keep(): the tape's forward scope would dispose them; they are needed after it.
          yPred = tf.keep(forward(plan.model, x));
          penalty = tf.keep(penaltySum(plan, yTrue, yPred, x, batch.step));
          // Penalties are not class-weighted: only the data loss is.
          const data = dataLoss(plan, yTrue, yPred);
          if (data.weight !== undefined) weight = tf.keep(data.weight);
          return tf.add(data.loss, penalty) as tf.Scalar;
        },
        plan.variables as tf.Variable[],
      );

      // 5. non-finite check, on the device (read back with the loss, see WindowMeter)
      const lossFinite = tf.isFinite(loss) as tf.Scalar;
      const gradsFinite = allFinite(Object.values(grads));

      // 6. statistics on the raw gradients, on the device (read back every N steps)
      const gradList = plan.variables.map((v) => grads[v.name]!);
      const gradNorms = plan.recordNorms ? l2Norms(gradList) : undefined;
      // A copy of the weights, only on sampled steps: the update ratio needs the real Δw.
      const before = batch.measureUpdate ? plan.variables.map((v) => tf.clone(v)) : undefined;

      // 7. clipping: global norm (PyTorch's clip_grad_norm_), then by value
      let applied: tf.NamedTensorMap = grads;
      if (plan.clip !== undefined) {
        const clipped = clipGradients(gradList, gradNorms, plan.clip);
        applied = {};
        plan.variables.forEach((v, i) => {
          applied[v.name] = clipped[i]!;
        });
      }

      // 8. optimizer update
      plan.optimizer.applyGradients(applied);

      // 9. constraints on the updated weights: the Trainer's, then the layers' own
      for (const { constraint, params } of plan.constraints) {
        for (const p of params) p.variable.assign(constraint.project(p.variable));
      }
      for (const { variable, constraint } of plan.layerConstraints) {
        variable.assign(constraint.apply(variable));
      }
      const ratios = before === undefined ? undefined : updateRatios(plan.variables, before);

      const correct = plan.classification
        ? countCorrect(yTrue, yPred!)
        : (tf.zeros([]) as tf.Scalar);
      const outputs: StepOutputs & tf.TensorContainerObject = {
        loss,
        penalty: penalty!,
        correct,
        lossFinite,
        gradsFinite,
        ...(gradNorms === undefined ? {} : { gradNorms }),
        ...(ratios === undefined ? {} : { updateRatios: ratios }),
        ...(weight === undefined ? {} : { weight }),
      };
      penalty = weight = undefined; // handed to the caller
      return outputs;
    } finally {
      tf.dispose(
        [yPred as tf.Tensor, penalty as tf.Tensor, weight as tf.Tensor].filter(
          (t) => t !== undefined,
        ),
      );
    }
  });
}
