import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EarlyStoppingResult } from '@overfit/early-stopping';
import type { TrainConfig } from './args.js';

/** One epoch as the report records it (1-based `epoch`). */
export interface EpochReport {
  epoch: number;
  loss: number;
  valLoss: number;
  valAccuracy: number;
  valMacroF1: number;
  seconds: number;
  samplesPerSecond: number;
  /**
   * The Trainer's `EpochDiagnostics` (unless `--no-diagnostics`): per-layer gradient norms,
   * weight norms, update ratios, sparsity, box-plot summaries of activations and kernel
   * gradients on a fixed probe batch, health flags.
   */
  diagnostics?: unknown;
}

/** The schema of `metrics.json` (plain JSON; the lab renders the same object). */
export interface TrainReport {
  backend: string;
  config: TrainConfig;
  epochs: EpochReport[];
  /** `EarlyStopping.result()` when `--early-stopping` was given. */
  earlyStopping?: unknown;
  /** `describeAugmentation(pipeline)` when `--augment` was given. */
  augmentation?: unknown;
  test: { macroF1: number; accuracy: number; loss: number; confusionMatrix: number[][] };
}

/** Writes `dir/metrics.json`, creating `dir`; returns the file's path. */
export async function writeReport(dir: string, report: TrainReport): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'metrics.json');
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

/** One line per epoch, as printed. */
export function formatEpoch(e: EpochReport): string {
  return (
    `epoch ${e.epoch}: loss ${e.loss.toFixed(4)}  val_loss ${e.valLoss.toFixed(4)}  ` +
    `val_acc ${e.valAccuracy.toFixed(4)}  val_macro_f1 ${e.valMacroF1.toFixed(4)}  ` +
    `(${e.seconds.toFixed(1)} s, ${Math.round(e.samplesPerSecond)} samples/s)`
  );
}

/**
 * The early-stopping outcome with 1-based epochs, as every other line the CLI prints
 * (`EarlyStopping.result()` counts epochs from 0, like the callback protocol).
 */
export function describeEarlyStopping(result: EarlyStoppingResult): string {
  const best =
    result.bestEpoch === null
      ? 'no finite value was seen'
      : `best ${result.monitor} ${result.bestValue} at epoch ${result.bestEpoch + 1}`;
  const stopped =
    result.stoppedEpoch === null
      ? 'ran every epoch'
      : `stopped after epoch ${result.stoppedEpoch + 1} (${result.stopReason})`;
  return `early stopping: ${stopped}; ${best}${result.restoredBestWeights ? '; best weights restored' : ''}`;
}
