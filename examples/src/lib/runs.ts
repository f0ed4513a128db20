import type { RunRecord } from '@overfit/report';
import type { History } from '@overfit/training';

/** A Trainer History as the report's RunRecord (1-based epochs, seconds instead of ms). */
export function toRunRecord(
  name: string,
  history: History,
  extra: Omit<RunRecord, 'name' | 'epochs'> = {},
): RunRecord {
  return {
    name,
    epochs: history.epochs.map((e) => ({
      epoch: e.epoch + 1,
      loss: e.loss,
      ...(e.penalty === undefined ? {} : { penalty: e.penalty, dataLoss: e.loss - e.penalty }),
      ...(e.accuracy === undefined ? {} : { accuracy: e.accuracy }),
      ...(e.valLoss === undefined ? {} : { valLoss: e.valLoss }),
      ...(e.valAccuracy === undefined ? {} : { valAccuracy: e.valAccuracy }),
      ...(e.valMacroF1 === undefined ? {} : { valMacroF1: e.valMacroF1 }),
      seconds: e.durationMs / 1000,
      ...(e.diagnostics === undefined ? {} : { diagnostics: e.diagnostics }),
    })),
    ...(history.stopReason === undefined ? {} : { stopReason: history.stopReason }),
    ...extra,
  };
}

/** The smallest value of `values` and its (0-based) index. */
export function argmin(values: readonly number[]): { index: number; value: number } {
  let index = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! < values[index]!) index = i;
  return { index, value: values[index]! };
}

/** Mean of an array of numbers. */
export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

/** Rounds for printing and for the report tables. */
export function round(value: number, digits = 4): number {
  return Number(value.toPrecision(digits));
}

/** Reads a scalar tensor's value and disposes the tensor. */
export async function readScalar(t: { data(): Promise<ArrayLike<number>>; dispose(): void }) {
  const value = (await t.data())[0]!;
  t.dispose();
  return value;
}
