import * as tf from '@tensorflow/tfjs-core';
import type { StepOutputs } from './step.js';

/** What one read of a {@link WindowMeter} returns (host numbers). */
export interface WindowReading {
  /** Samples and steps in the window. */
  readonly samples: number;
  readonly steps: number;
  /** Sample-weighted sums over the window. */
  readonly lossSum: number;
  readonly penaltySum: number;
  readonly correct: number;
  /** With class weights: `sum_b W_b * dataLoss_b` and `sum_b W_b` (`W_b`: batch b's weight sum). */
  readonly weighted?: WeightedSums;
  /** First step whose loss (or else gradients) was not finite, if any. */
  readonly nonFinite?: { readonly what: 'loss' | 'gradients'; readonly step: number };
}

/** Class-weighted sums of a window or an epoch. */
export interface WeightedSums {
  readonly dataSum: number;
  readonly weightSum: number;
}

/** What a mean loss is computed from (a window reading or an epoch's totals). */
export interface LossSums {
  readonly samples: number;
  readonly lossSum: number;
  readonly penaltySum: number;
  readonly weighted?: WeightedSums;
}

/**
 * The mean training objective over a window or an epoch: `lossSum / samples`; with class
 * weights, the weighted data loss over all its samples, `sum_b W_b L_b / sum_b W_b` (which is
 * `sum_i s_i l_i / sum_i s_i` over the epoch, whatever the batch sizes), plus the mean penalty.
 */
export function meanLoss(sums: LossSums): number {
  if (sums.weighted === undefined) return sums.lossSum / sums.samples;
  const { dataSum, weightSum } = sums.weighted;
  return (weightSum > 0 ? dataSum / weightSum : 0) + sums.penaltySum / sums.samples;
}

/** Device state of a window: sums `[loss, penalty, correct]`, and per check (loss, gradients) "all finite so far" flags and the count of leading finite steps. */
interface Accumulators extends tf.TensorContainerObject {
  sums: tf.Tensor1D;
  allFinite: tf.Tensor1D;
  finiteSteps: tf.Tensor1D;
  /** `[sum W * dataLoss, sum W]` (class weights only). */
  weighted?: tf.Tensor1D;
}

/**
 * Device-side accumulator for a window of steps: sample-weighted sums of loss, penalty and
 * correct counts, and, for the loss and for the gradients, how many steps ran before the
 * first non-finite one. Adding a step is a handful of tiny device ops with no sync and no
 * host-to-device upload (batch-size weights are cached); {@link WindowMeter.read} is the
 * window's one sync.
 */
export class WindowMeter {
  private acc: Accumulators | null = null;
  /** `[size, size, 1]` per batch size seen (two at most per fit), kept to avoid an upload per step. */
  private readonly weights = new Map<number, tf.Tensor1D>();
  private samples = 0;
  private steps = 0;
  private firstStep = 0;

  /** Adds one step's outputs (weighted by its batch size) and disposes them. */
  add(out: StepOutputs, batchSize: number, step: number): void {
    if (this.steps === 0) this.firstStep = step;
    let weight = this.weights.get(batchSize);
    if (weight === undefined) {
      weight = tf.keep(tf.tensor1d([batchSize, batchSize, 1]));
      this.weights.set(batchSize, weight);
    }
    const prev = this.acc;
    const w = weight;
    this.acc = tf.tidy((): Accumulators => {
      const row = tf.mul(tf.stack([out.loss, out.penalty, out.correct]), w);
      const ok = tf.stack([out.lossFinite, out.gradsFinite]) as tf.Tensor1D;
      const weighted =
        out.weight === undefined
          ? undefined
          : (tf.mul(
              tf.stack([tf.sub(out.loss, out.penalty), tf.onesLike(out.weight)]),
              out.weight,
            ) as tf.Tensor1D);
      if (prev === null)
        return {
          sums: row as tf.Tensor1D,
          allFinite: ok,
          finiteSteps: tf.cast(ok, 'int32') as tf.Tensor1D,
          ...(weighted === undefined ? {} : { weighted }),
        };
      const allFinite = tf.logicalAnd(prev.allFinite, ok) as tf.Tensor1D;
      const sumWeighted =
        weighted === undefined || prev.weighted === undefined
          ? weighted
          : (tf.add(prev.weighted, weighted) as tf.Tensor1D);
      return {
        sums: tf.add(prev.sums, row) as tf.Tensor1D,
        allFinite,
        finiteSteps: tf.add(prev.finiteSteps, tf.cast(allFinite, 'int32')) as tf.Tensor1D,
        ...(sumWeighted === undefined ? {} : { weighted: sumWeighted }),
      };
    });
    tf.dispose([
      prev ?? [],
      out.loss,
      out.penalty,
      out.correct,
      out.lossFinite,
      out.gradsFinite,
      out.weight ?? [],
    ]);
    this.samples += batchSize;
    this.steps += 1;
  }

  /** True when steps were added since the last read. */
  get pending(): boolean {
    return this.steps > 0;
  }

  /** Reads the window back (one sync) and starts a new, empty one. */
  async read(): Promise<WindowReading> {
    const { acc, samples, steps, firstStep } = this;
    this.acc = null;
    this.samples = 0;
    this.steps = 0;
    if (acc === null) return { samples, steps, lossSum: 0, penaltySum: 0, correct: 0 };
    try {
      const [s, n, ws] = await Promise.all([
        acc.sums.data(),
        acc.finiteSteps.data(),
        acc.weighted?.data(),
      ]);
      const reading: WindowReading = {
        samples,
        steps,
        lossSum: s[0]!,
        penaltySum: s[1]!,
        correct: s[2]!,
        ...(ws === undefined ? {} : { weighted: { dataSum: ws[0]!, weightSum: ws[1]! } }),
      };
      const [lossOk, gradsOk] = [n[0]!, n[1]!];
      if (lossOk === steps && gradsOk === steps) return reading;
      // Step k's loss is computed before step k's gradients, so on a tie the loss is named.
      const nonFinite =
        lossOk <= gradsOk
          ? { what: 'loss' as const, step: firstStep + lossOk }
          : { what: 'gradients' as const, step: firstStep + gradsOk };
      return { ...reading, nonFinite };
    } finally {
      tf.dispose(acc);
    }
  }

  dispose(): void {
    tf.dispose([this.acc ?? [], [...this.weights.values()]]);
    this.acc = null;
    this.weights.clear();
  }
}
