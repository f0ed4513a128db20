import { OverfitReportError } from './errors.js';
import type { RunRecord } from './types.js';

function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  return value === null || typeof value !== 'object' ? String(value) : 'an object';
}

/**
 * Checks that `run` is a {@link RunRecord} as far as the charts read it: an object with a string
 * `name` and an `epochs` array of objects (so a truncated or hand-written file fails with the
 * field it lacks, not a `TypeError` deep inside a chart).
 */
export function checkRun(argument: string, run: unknown): RunRecord {
  if (run === null || typeof run !== 'object' || Array.isArray(run))
    throw new OverfitReportError(
      `${argument} must be a run record { name, epochs: [...] }, got ${shown(run)}`,
    );
  const r = run as Partial<RunRecord>;
  if (typeof r.name !== 'string')
    throw new OverfitReportError(`${argument}.name must be a string, got ${shown(r.name)}`);
  if (!Array.isArray(r.epochs))
    throw new OverfitReportError(
      `${argument}.epochs of run '${r.name}' must be an array of epochs (possibly empty), got ${shown(r.epochs)}`,
    );
  r.epochs.forEach((e, i) => {
    if (e === null || typeof e !== 'object' || Array.isArray(e))
      throw new OverfitReportError(
        `${argument}.epochs[${i}] of run '${r.name}' must be an object { epoch, ... }, got ${shown(e)}`,
      );
  });
  return run as RunRecord;
}

/** {@link checkRun} for each of `runs`, which must be an array. */
export function checkRuns(argument: string, runs: unknown): readonly RunRecord[] {
  if (!Array.isArray(runs))
    throw new OverfitReportError(`${argument} must be an array of run records, got ${shown(runs)}`);
  runs.forEach((run, i) => {
    checkRun(`${argument}[${i}]`, run);
  });
  return runs;
}
