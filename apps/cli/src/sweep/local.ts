import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { OverfitError } from '@overfit/core';
import { recordProblem, writeFileAtomic } from '../output/index.js';
import type { PlannedRun } from './plan.js';
import { JobFailure, TrainingPool } from './pool.js';
import type { SweepProgress } from './progress.js';
import type { SweepResult } from './ranking.js';
import type { RunRecord } from './run-job.js';
import type { SweepFailure } from './writer.js';

/** The sweep's state on disk or in Redis does not allow what was asked (names the fix). */
export class SweepStateError extends OverfitError {}

/** `DIR/runs/<id>.json`: each finished run, written as it finishes (what --resume reads). */
export class RunsDirectory {
  readonly path: string;

  constructor(reportDir: string) {
    this.path = join(reportDir, 'runs');
  }

  /**
   * Records of `plan` found on disk, by id. A file that is not JSON or not a whole record
   * (truncated, hand-edited) is left out with a warning: its configuration runs again.
   */
  async load(
    plan: readonly PlannedRun[],
    warn: (line: string) => void = () => {},
  ): Promise<Map<string, RunRecord>> {
    const wanted = new Set(plan.map((run) => run.id));
    const found = new Map<string, RunRecord>();
    let names: string[];
    try {
      names = await readdir(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return found;
      throw error;
    }
    for (const name of names) {
      const id = name.replace(/\.json$/, '');
      if (!name.endsWith('.json') || !wanted.has(id)) continue;
      const file = join(this.path, name);
      let record: unknown;
      let problem: string | undefined;
      try {
        record = JSON.parse(await readFile(file, 'utf8'));
        problem = recordProblem(record);
      } catch (error) {
        problem = `not readable JSON: ${(error as Error).message.split('\n')[0]}`;
      }
      if (problem === undefined) found.set(id, record as RunRecord);
      else warn(`warning: --resume: ${file} is not a usable record (${problem}); running it again`);
    }
    return found;
  }

  save(id: string, record: RunRecord): Promise<void> {
    return writeFileAtomic(join(this.path, `${id}.json`), `${JSON.stringify(record)}\n`);
  }

  /** Removes the run files (the directory stays: it was checked before anything ran). */
  async clear(): Promise<void> {
    const names = await readdir(this.path).catch(() => [] as string[]);
    for (const name of names)
      if (name.endsWith('.json')) await rm(join(this.path, name), { force: true });
  }
}

/** What a previous run left, under --resume / --fresh / neither. */
export async function previousRuns(
  runs: RunsDirectory,
  plan: readonly PlannedRun[],
  mode: { resume: boolean; fresh: boolean },
  where: string,
  warn: (line: string) => void = () => {},
): Promise<Map<string, RunRecord>> {
  if (mode.fresh) {
    await runs.clear();
    return new Map();
  }
  const found = await runs.load(plan, warn);
  if (found.size > 0 && !mode.resume)
    throw new SweepStateError(
      `${where} already holds ${found.size} of this sweep's ${plan.length} runs; pass --resume to ` +
        'keep them and run the rest, or --fresh to start over',
    );
  return found;
}

export interface LocalSweepOptions {
  workers: number;
  attempts: number;
  signal: AbortSignal;
  progress: SweepProgress;
  runs: RunsDirectory;
  log: (line: string) => void;
}

/**
 * Trains `missing` on a pool of processes. A process that dies has its configuration tried
 * again (up to `attempts` in all); an error that would repeat (bad configuration, NaN) fails
 * the configuration at once. Stops early (partial) when `signal` aborts.
 */
export async function runLocalSweep(
  missing: readonly PlannedRun[],
  options: LocalSweepOptions,
): Promise<{ results: SweepResult[]; failures: SweepFailure[] }> {
  const results: SweepResult[] = [];
  const failures: SweepFailure[] = [];
  if (missing.length === 0) return { results, failures };
  const size = Math.min(options.workers, missing.length);
  options.log(`local: ${missing.length} configurations on ${size} processes (one thread each)`);
  const pool = new TrainingPool(size);
  const stop = () => void pool.close();
  options.signal.addEventListener('abort', stop, { once: true });
  try {
    await Promise.all(
      missing.map(async (run) => {
        for (let attempt = 1; ; attempt++) {
          try {
            const record = await pool.run(run.name, run.config);
            await options.runs.save(run.id, record);
            results.push({ run, record });
            options.progress.record('finished', `${run.id} ${run.name}`);
            return;
          } catch (error) {
            if (options.signal.aborted) return;
            if (!(error instanceof JobFailure)) throw error;
            if (!error.permanent && attempt < options.attempts) {
              options.log(
                `retrying ${run.id} ${run.name} (attempt ${attempt} failed: ${error.message})`,
              );
              continue;
            }
            failures.push({ id: run.id, name: run.name, error: error.message, attempts: attempt });
            options.progress.record('failed', `${run.id} ${run.name}: ${error.message}`);
            return;
          }
        }
      }),
    );
  } finally {
    options.signal.removeEventListener('abort', stop);
    await pool.close();
  }
  return { results, failures };
}
