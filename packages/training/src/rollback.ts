import { NonFiniteError } from '@overfit/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { WindowMeter, type WindowReading } from './meter.js';
import { TrainingSnapshot } from './snapshot.js';
import type { StepOutputs } from './step.js';

/**
 * A read window with rollback: the steps between two loss reads accumulate on the device
 * ({@link WindowMeter}); a snapshot of the weights and the optimizer state is taken before the
 * window's first step, and when the read finds a non-finite loss or gradient the whole window
 * is undone and {@link NonFiniteError} thrown. One per epoch.
 */
export class RollbackWindow {
  private readonly meter = new WindowMeter();
  private snapshot: TrainingSnapshot | null = null;
  private firstStep = 0;

  constructor(
    private readonly model: LayersModel,
    private readonly optimizer: tf.Optimizer,
  ) {}

  /** Steps added since the last read. */
  get pending(): boolean {
    return this.meter.pending;
  }

  /** Before a step: opens a window (takes the snapshot) when none is open. */
  async beforeStep(step: number): Promise<void> {
    if (this.snapshot !== null) return;
    this.snapshot = await TrainingSnapshot.take(this.model, this.optimizer);
    this.firstStep = step;
  }

  /** Adds a step's outputs (and disposes them). */
  add(out: StepOutputs, batchSize: number, step: number): void {
    this.meter.add(out, batchSize, step);
  }

  /**
   * Reads the window (one device sync) and closes it. On a non-finite value the weights and
   * optimizer state go back to the snapshot, then it throws.
   *
   * @throws NonFiniteError naming the first bad step and what was restored
   */
  async read(): Promise<WindowReading> {
    const reading = await this.meter.read();
    const snapshot = this.snapshot!;
    this.snapshot = null;
    if (reading.nonFinite !== undefined) {
      const withOptimizer = await snapshot.restore();
      throw new NonFiniteError(
        reading.nonFinite.what,
        reading.nonFinite.step,
        `weights${withOptimizer ? ' and optimizer state' : ''} restored to their values before step ${this.firstStep}`,
      );
    }
    snapshot.dispose();
    return reading;
  }

  dispose(): void {
    this.meter.dispose();
    this.snapshot?.dispose();
    this.snapshot = null;
  }
}
