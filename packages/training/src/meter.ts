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
  /** First step whose loss (or else gradients) was not finite, if any. */
  readonly nonFinite?: { readonly what: 'loss' | 'gradients'; readonly step: number };
}

const NONE = 2 ** 31 - 1;

/**
 * Device-side accumulator for a window of steps: sums of loss, penalty and correct counts,
 * and the first step at which the loss or the gradients were non-finite. Adding a step costs
 * a few tiny device ops and no sync; {@link WindowMeter.read} is the one sync per window.
 */
export class WindowMeter {
  private sums: tf.Tensor1D | null = null;
  private firstBad: tf.Tensor1D | null = null;
  private samples = 0;
  private steps = 0;

  /** Adds one step's outputs (weighted by its batch size) and disposes them. */
  add(out: StepOutputs, batchSize: number, step: number): void {
    const prev = [this.sums, this.firstBad];
    const [sums, firstBad] = tf.tidy(() => {
      const row = tf.stack([
        tf.mul(out.loss, batchSize),
        tf.mul(out.penalty, batchSize),
        out.correct,
      ]) as tf.Tensor1D;
      const stepT = tf.scalar(step, 'int32');
      const none = tf.scalar(NONE, 'int32');
      const bad = tf.stack([
        tf.where(out.lossFinite, none, stepT),
        tf.where(out.gradsFinite, none, stepT),
      ]) as tf.Tensor1D;
      return [
        this.sums === null ? row : (tf.add(this.sums, row) as tf.Tensor1D),
        this.firstBad === null ? bad : (tf.minimum(this.firstBad, bad) as tf.Tensor1D),
      ] as const;
    });
    this.sums = sums;
    this.firstBad = firstBad;
    tf.dispose([
      ...prev.filter((t): t is tf.Tensor1D => t !== null),
      out.loss,
      out.penalty,
      out.correct,
      out.lossFinite,
      out.gradsFinite,
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
    const { sums, firstBad, samples, steps } = this;
    this.sums = null;
    this.firstBad = null;
    this.samples = 0;
    this.steps = 0;
    if (sums === null || firstBad === null)
      return { samples, steps, lossSum: 0, penaltySum: 0, correct: 0 };
    try {
      const [s, b] = await Promise.all([sums.data(), firstBad.data()]);
      const [lossBad, gradBad] = [b[0]!, b[1]!];
      const reading = { samples, steps, lossSum: s[0]!, penaltySum: s[1]!, correct: s[2]! };
      if (lossBad === NONE && gradBad === NONE) return reading;
      // The loss at step k is computed before step k's update, so it is checked first.
      const nonFinite =
        lossBad <= gradBad
          ? { what: 'loss' as const, step: lossBad }
          : { what: 'gradients' as const, step: gradBad };
      return { ...reading, nonFinite };
    } finally {
      tf.dispose([sums, firstBad]);
    }
  }

  dispose(): void {
    tf.dispose([this.sums, this.firstBad].filter((t): t is tf.Tensor1D => t !== null));
    this.sums = null;
    this.firstBad = null;
  }
}
