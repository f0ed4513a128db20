import { OverfitError } from '@overfit/core';
import { ConfusionMatrix, scoresFromConfusion } from '@overfit/metrics';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { batchBounds, sliceRows } from './batches.js';
import type { ResolvedMetric } from './options.js';
import { type CheckedData, denseTargets } from './targets.js';
import type { EvaluateResult, MeanLossFn } from './types.js';

/** What evaluation needs from the Trainer. */
export interface EvalPlan {
  readonly model: LayersModel;
  readonly loss: MeanLossFn;
  readonly numClasses: number | undefined;
  readonly classification: boolean;
  readonly metrics: readonly ResolvedMetric[];
}

/** Inference-mode forward pass (dropout off, batch norm on its moving statistics). */
export function inferBatch(model: LayersModel, x: tf.Tensor): tf.Tensor {
  return model.apply(x, { training: false }) as tf.Tensor;
}

/**
 * Data loss and confusion matrix over `data` in batches, in inference mode. The loss sum and
 * the confusion counts stay on the device until the end: one read for the loss, one for the
 * matrix. `loss` is the sample-weighted mean of the batch losses (no penalties).
 */
export async function evaluateData(
  plan: EvalPlan,
  data: CheckedData,
  batchSize: number,
): Promise<EvaluateResult> {
  const cm = plan.classification
    ? new ConfusionMatrix({ numClasses: plan.numClasses! })
    : undefined;
  let lossSum: tf.Scalar = tf.scalar(0);
  for (const { metric } of plan.metrics) metric.reset();
  try {
    for (const [start, size] of batchBounds(data.size, batchSize)) {
      const previous = lossSum;
      const [next, yTrue, yPred] = tf.tidy(() => {
        const x = sliceRows(data.x, start, size);
        const yRows = sliceRows(data.y, start, size);
        const yPred = inferBatch(plan.model, x);
        const yTrue = denseTargets(yRows, data.targets, plan.numClasses);
        // Ids go to the matrix (and the metrics) as they are; dense targets by argmax.
        const target = data.targets === 'ids' ? yRows : yTrue;
        cm?.update(target, yPred);
        return [
          tf.add(previous, tf.mul(plan.loss(yTrue, yPred), size)) as tf.Scalar,
          target,
          yPred,
        ];
      });
      lossSum = next as tf.Scalar;
      previous.dispose();
      try {
        // Outside the tidy: a user's metric keeps its state however it likes.
        for (const { metric } of plan.metrics) metric.update(yTrue, yPred);
      } finally {
        tf.dispose([yTrue, yPred]);
      }
    }
    const loss = (await lossSum.data())[0]! / data.size;
    const metrics = await computeMetrics(plan.metrics);
    const extra = metrics === undefined ? {} : { metrics };
    if (cm === undefined) return { loss, ...extra };
    const confusionMatrix = await cm.compute();
    const scores = scoresFromConfusion(confusionMatrix);
    return { loss, accuracy: scores.accuracy, macroF1: scores.macro.f1, confusionMatrix, ...extra };
  } finally {
    lossSum.dispose();
    cm?.dispose();
  }
}

async function computeMetrics(
  metrics: readonly ResolvedMetric[],
): Promise<Record<string, number> | undefined> {
  if (metrics.length === 0) return undefined;
  const out: Record<string, number> = {};
  for (const { metric, name } of metrics) {
    const value = await metric.compute();
    if (typeof value !== 'number') {
      throw new OverfitError(
        `metric '${name}' computed ${Array.isArray(value) ? 'an array' : typeof value}, not a number; the Trainer logs one number per metric (e.g. average: 'macro')`,
      );
    }
    out[name] = value;
  }
  return out;
}

/** Model outputs (logits for classification) for `x`, in inference mode and in batches. */
export function predictData(model: LayersModel, x: tf.Tensor, batchSize: number): tf.Tensor {
  return tf.tidy(() => {
    const parts = batchBounds(x.shape[0]!, batchSize).map(([start, size]) =>
      inferBatch(model, sliceRows(x, start, size)),
    );
    return parts.length === 1 ? parts[0]! : tf.concat(parts, 0);
  });
}
