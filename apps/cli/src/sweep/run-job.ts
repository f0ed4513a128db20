import { NonFiniteError } from '@overfit/core';
import type { TrainConfig } from '../args.js';
import { train } from '../train.js';

/**
 * One run as `@overfit/report` takes it (its `RunRecord`, restated here until the CLI depends
 * on that package).
 */
export interface RunRecord {
  name: string;
  config?: unknown;
  epochs: RunEpoch[];
  partial?: boolean;
  stopReason?: string;
  test?: { macroF1?: number; accuracy?: number; loss?: number; confusionMatrix?: number[][] };
  summary?: Record<string, number>;
}

export interface RunEpoch {
  epoch: number;
  loss?: number;
  valLoss?: number;
  valAccuracy?: number;
  valMacroF1?: number;
  seconds?: number;
  diagnostics?: unknown;
}

const silent = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;

/**
 * Trains one configuration and returns its record: the seam every sweep mode calls (today
 * `train()` with the report off; `runConfiguration` of the CLI's output module later).
 * A run whose loss ended non-finite is a failure (`NonFiniteError`), not a result.
 */
export async function runJob(config: TrainConfig, name: string): Promise<RunRecord> {
  const report = await train({ ...config, report: null }, { out: () => {}, err: silent });
  const last = report.epochs.at(-1);
  if (last !== undefined && !Number.isFinite(last.loss))
    throw new NonFiniteError('training loss', undefined, `${last.loss} after epoch ${last.epoch}`);
  return {
    name,
    config: report.config,
    epochs: report.epochs.map(({ samplesPerSecond: _rate, ...epoch }) => epoch),
    test: report.test,
    ...(report.earlyStopping
      ? { stopReason: String((report.earlyStopping as { stopReason?: unknown }).stopReason ?? '') }
      : {}),
    summary: { seconds: report.epochs.reduce((s, e) => s + e.seconds, 0) },
  };
}
