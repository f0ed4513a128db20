import { OverfitError } from '@overfit/core';

/**
 * What a log value can be: a number (the overfit Trainer, `CustomCallbackArgs`) or a scalar
 * tensor (tfjs-layers hands `BaseCallback`s unresolved scalars at `onEpochEnd`).
 */
export type LogValue = number | { data(): Promise<ArrayLike<number> | unknown> };

/** Epoch logs as either the Trainer or tfjs-layers `model.fit` passes them. */
export type EpochLogs = Record<string, LogValue | undefined>;

/**
 * The monitored key is absent from the epoch logs (e.g. `val_loss` without validation data).
 *
 * @example
 * try { await es.onEpochEnd(0, { loss: 1 }); } catch (e) { if (e instanceof MissingMonitorError) console.log(e.present); }
 */
export class MissingMonitorError extends OverfitError {
  constructor(
    readonly monitor: string,
    readonly present: readonly string[],
    readonly callback: string,
    /** `'epochEnd'`: missing from an epoch's logs; `'trainBegin'`: not among the keys the loop declared it will log. */
    readonly when: 'epochEnd' | 'trainBegin' = 'epochEnd',
  ) {
    super(
      `${callback}: monitored key '${monitor}' is not ${
        when === 'trainBegin' ? 'among the keys this training run will log' : 'in the epoch logs'
      } (keys ${when === 'trainBegin' ? 'declared' : 'present'}: ${
        present.length ? present.map((k) => `'${k}'`).join(', ') : 'none'
      }); validation keys appear only when validation data is given`,
    );
  }
}

/**
 * The other spelling of a log key: snake_case to camelCase and back.
 *
 * @example alternateSpelling('val_loss') // 'valLoss'; alternateSpelling('valMacroF1') // 'val_macro_f1'
 */
export function alternateSpelling(key: string): string {
  if (key.includes('_')) return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * Finds the monitored key in `logs`: the exact key, or else its other spelling
 * (`val_loss` <-> `valLoss`), because tfjs-layers logs snake_case and the Trainer camelCase, and
 * one callback should work in both without reconfiguration. Returns `undefined` when neither is
 * present.
 *
 * @example findLogKey({ valLoss: 0.3 }, 'val_loss') // 'valLoss'
 */
export function findLogKey(logs: EpochLogs | undefined, monitor: string): string | undefined {
  if (logs === undefined || logs === null) return undefined;
  if (logs[monitor] !== undefined) return monitor;
  const other = alternateSpelling(monitor);
  return logs[other] !== undefined ? other : undefined;
}

/**
 * Reads the monitored value as a number. Scalar tensors are read (not disposed: `model.fit`
 * owns them and its History reads them after us).
 *
 * @throws MissingMonitorError naming the key and the keys present.
 */
export async function readMonitor(
  logs: EpochLogs | undefined,
  monitor: string,
  callback: string,
): Promise<number> {
  const key = findLogKey(logs, monitor);
  if (key === undefined) throw new MissingMonitorError(monitor, Object.keys(logs ?? {}), callback);
  const value = logs![key]!;
  if (typeof value === 'number') return value;
  const data = (await value.data()) as ArrayLike<number>;
  return Number(data[0]);
}
