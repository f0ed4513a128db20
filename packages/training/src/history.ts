import type { Logs } from '@overfit/core';
import type { GradientStep } from './diagnostics/types.js';
import type { EpochLog, History, StopReason } from './types.js';

/** The per-epoch metric keys, in the order they are reported. */
export const METRIC_KEYS = [
  'loss',
  'penalty',
  'accuracy',
  'valLoss',
  'valAccuracy',
  'valMacroF1',
  'gradNorm',
] as const;

/** tfjs-layers spellings also put in callback logs, so tfjs' own callbacks find their keys. */
const ALIASES: Record<string, string> = {
  accuracy: 'acc',
  valLoss: 'val_loss',
  valAccuracy: 'val_acc',
};

/**
 * Logs handed to `onEpochEnd`: the epoch's metrics (camelCase) plus the tfjs-layers aliases
 * `acc`, `val_loss`, `val_acc` (so `tf.callbacks.earlyStopping()` works unchanged).
 */
export function epochLogs(log: EpochLog): Logs {
  const logs: Logs = {};
  for (const key of METRIC_KEYS) {
    const value = log[key];
    if (value === undefined) continue;
    logs[key] = value;
    const alias = ALIASES[key];
    if (alias !== undefined) logs[alias] = value;
  }
  Object.assign(logs, log.metrics);
  return logs;
}

/** The keys callbacks will find in the epoch logs for these metric keys (aliases included). */
export function logKeys(metricKeys: readonly string[]): string[] {
  return metricKeys.flatMap((k) => (ALIASES[k] === undefined ? [k] : [k, ALIASES[k]!]));
}

/** Builds a {@link History} epoch by epoch; `result()` is a plain JSON snapshot. */
export class HistoryRecorder {
  private readonly epochs: EpochLog[] = [];
  private stopReason: StopReason | undefined;
  private gradientSteps: readonly GradientStep[] | undefined;

  add(log: EpochLog): void {
    this.epochs.push(log);
  }

  /** The (growing) list of recorded gradient steps of this fit. */
  trackGradientSteps(steps: readonly GradientStep[]): void {
    this.gradientSteps = steps;
  }

  stop(reason: StopReason): void {
    this.stopReason = reason;
  }

  result(): History {
    const history: Record<string, number[]> = {};
    for (const key of METRIC_KEYS) {
      if (this.epochs.length > 0 && this.epochs.every((e) => e[key] !== undefined)) {
        history[key] = this.epochs.map((e) => e[key]!);
      }
    }
    for (const key of Object.keys(this.epochs[0]?.metrics ?? {})) {
      if (this.epochs.every((e) => e.metrics?.[key] !== undefined))
        history[key] = this.epochs.map((e) => e.metrics![key]!);
    }
    const epochs = this.epochs.map((e) => {
      const copy: EpochLog = { ...e };
      if (e.diagnostics !== undefined) copy.diagnostics = structuredClone(e.diagnostics);
      if (e.metrics !== undefined) copy.metrics = { ...e.metrics };
      return copy;
    });
    const result: History = { epochs, history };
    if (this.stopReason !== undefined) result.stopReason = this.stopReason;
    if (this.gradientSteps !== undefined)
      result.gradientSteps = this.gradientSteps.map((s) => ({ ...s, perLayer: { ...s.perLayer } }));
    return result;
  }
}
