import type { RunRecord } from './types.js';

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Why a record read back from disk or Redis (`--resume`) cannot stand for a finished run, or
 * undefined when it can: a name, a config, every epoch an object with its number, and test
 * scores. Reports and rankings are built from such records, so a hand-edited, truncated or
 * foreign one is run again instead of breaking them.
 */
export function recordProblem(record: unknown): string | undefined {
  if (!isObject(record)) return 'not an object';
  if (typeof record.name !== 'string') return 'no "name"';
  if (!isObject(record.config)) return 'no "config" object';
  if (!Array.isArray(record.epochs) || record.epochs.length === 0) return 'no "epochs" list';
  if (!record.epochs.every((e) => isObject(e) && isFiniteNumber(e.epoch)))
    return 'an epoch without its number';
  if (!isObject(record.test) || !isFiniteNumber(record.test.macroF1)) return 'no test macro-F1';
  return undefined;
}

/** {@link recordProblem} as a type guard. */
export function isRunRecord(record: unknown): record is RunRecord {
  return recordProblem(record) === undefined;
}
