/**
 * Messages between the page and the training worker: plain JSON (structured clone of
 * objects, arrays, numbers and strings only), so either side can log or replay them.
 */
import type { LabConfig } from './config.js';
import type { RunEpoch, RunRecord } from './record.js';

/** One run of a job: a name (the series label) and its full config. */
export interface RunSpec {
  name: string;
  config: LabConfig;
}

export type ToWorker =
  /** First message: which backend(s) to try and the folder serving the gzip'd MNIST files. */
  | { type: 'init'; backend: LabConfig['backend']; mnistBase: string }
  | { type: 'train'; job: number; runs: RunSpec[] }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  | { type: 'preview'; augmentation: LabConfig['augmentation']; seed: number; count: number };

export interface BackendInfo {
  name: string;
  /** Every candidate tried, in order, with the real reason of each failure. */
  attempts: { name: string; ok: boolean; reason?: string }[];
  /** WebGPU adapter description (vendor / architecture / device), when WebGPU runs. */
  adapter?: string;
  /** @overfit/kernels installed for the chosen backend. */
  kernels: string[];
}

export type Phase = 'loading' | 'training' | 'validating' | 'statistics' | 'testing';

export type FromWorker =
  | { type: 'backend'; info: BackendInfo }
  | { type: 'backend-failed'; message: string }
  | {
      type: 'progress';
      job: number;
      run: number;
      epoch: number;
      epochs: number;
      batch: number;
      batches: number;
      loss?: number;
    }
  | { type: 'phase'; job: number; run: number; phase: Phase; detail?: string }
  /** One finished epoch of a run (the page appends it: messages stay small as runs grow). */
  | { type: 'epoch'; job: number; run: number; epoch: RunEpoch }
  /** The run's end: everything but its epochs (`epochs` is empty; the page has them). */
  | { type: 'run-done'; job: number; run: number; record: RunRecord }
  | { type: 'job-done'; job: number; stopped: boolean }
  | { type: 'paused'; paused: boolean }
  | { type: 'error'; job?: number; message: string }
  | {
      type: 'preview';
      /** `count` 28x28 images each, row-major, grey levels 0..255 (transferred, not copied). */
      originals: Uint8ClampedArray;
      augmented: Uint8ClampedArray;
      labels: number[];
      spec: string;
    };
