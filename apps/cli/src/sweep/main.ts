import { OverfitError } from '@overfit/core';
import { UsageError } from '../args.js';
import { SIGNAL_EXIT_CODES, type StopSignal } from '../interrupts.js';
import { prepareReportDir, ReportDirectoryError } from '../output/index.js';
import { checkConfigurations } from '../setup.js';
import { sweepId as computeSweepId } from './config-id.js';
import { runRedisSweep } from './distributed.js';
import { previousRuns, RunsDirectory, runLocalSweep } from './local.js';
import { type PlannedRun, planSweep } from './plan.js';
import { formatDuration, SweepProgress } from './progress.js';
import { formatRanking, rankResults, type SweepResult } from './ranking.js';
import { connectRedis } from './redis.js';
import type { RunRecord } from './run-job.js';
import { parseSweepCommandLine, type SweepOptions } from './sweep-args.js';
import { runWorker } from './worker.js';
import { type SweepFailure, writeSweepReport } from './writer.js';

export interface SweepIO {
  out: (line: string) => void;
  err: (line: string) => void;
}

/**
 * The first SIGINT/SIGTERM aborts `stop` (finish or save what is running, then exit); a
 * second aborts `kill` (stop now).
 */
function interruptSignals(): {
  stop: AbortSignal;
  kill: AbortSignal;
  /** 130 after SIGINT, 143 after SIGTERM (128 + the first signal's number). */
  exitCode: () => number;
  dispose: () => void;
} {
  const stop = new AbortController();
  const kill = new AbortController();
  let first: StopSignal | undefined;
  const handlers = (Object.keys(SIGNAL_EXIT_CODES) as StopSignal[]).map((name) => {
    const handler = () => {
      if (stop.signal.aborted) kill.abort();
      else {
        first = name;
        stop.abort();
      }
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  return {
    stop: stop.signal,
    kill: kill.signal,
    exitCode: () => SIGNAL_EXIT_CODES[first ?? 'SIGINT'],
    dispose: () => {
      for (const [name, handler] of handlers) process.off(name, handler);
    },
  };
}

/** `overfit sweep ...` and `overfit worker ...`; returns the exit code. */
export async function sweepMain(argv: readonly string[], io: SweepIO): Promise<number> {
  let command: ReturnType<typeof parseSweepCommandLine>;
  let plan: PlannedRun[] = [];
  try {
    command = parseSweepCommandLine(argv);
    if (command.kind === 'sweep') {
      plan = planSweep(command.options.spec);
      // overfit train's own checks of each configuration (option combinations, data sets).
      checkConfigurations(
        plan.map((run) => ({ name: run.name, config: run.config })),
        io.err,
      );
    }
  } catch (error) {
    if (error instanceof UsageError) {
      for (const problem of error.problems) io.err(`overfit: ${problem}`);
      return 2;
    }
    throw error;
  }
  if (command.kind === 'help') {
    io.out(command.text);
    return 0;
  }
  const signals = interruptSignals();
  try {
    if (command.kind === 'worker') {
      await runWorker(command.options, io.out, signals.stop, signals.kill);
      return 0;
    }
    return await sweep(plan, command.options, io, signals.stop, signals.exitCode);
  } catch (error) {
    if (error instanceof ReportDirectoryError) {
      io.err(`overfit: ${error.message}`);
      return 2;
    }
    if (error instanceof OverfitError) {
      io.err(`overfit: ${error.message.split('\n')[0]}`);
      return 1;
    }
    throw error;
  } finally {
    signals.dispose();
  }
}

async function sweep(
  plan: PlannedRun[],
  options: SweepOptions,
  io: SweepIO,
  signal: AbortSignal,
  interruptedCode: () => number,
): Promise<number> {
  const id = computeSweepId(plan.map((run) => run.id));
  const groups = new Set(plan.map((run) => run.groupId)).size;
  io.out(
    `sweep ${id}: ${count(plan.length, 'configuration')} (${groups} x ${count(options.spec.seeds, 'seed')})`,
  );
  if (options.dryRun) {
    for (const run of plan) io.out(`${run.id}  ${run.name}`);
    return 0;
  }
  // Redis first: a sweep that cannot reach it leaves no empty report directory behind.
  if (options.redis !== null) (await connectRedis(options.redis)).disconnect();
  const dir = await prepareReportDir(options.report ?? `sweep-${id}`);
  const runs = new RunsDirectory(dir);
  await prepareReportDir(runs.path);
  if (options.fresh) await runs.clear();
  const start = performance.now();
  let results: SweepResult[];
  let failures: SweepFailure[];
  if (options.redis === null) {
    const previous = await previousRuns(runs, plan, options, dir, io.err);
    if (previous.size > 0)
      io.out(`resume: ${previous.size} of ${plan.length} runs found in ${runs.path}`);
    const progress = new SweepProgress(id, plan.length, previous.size, io.err);
    const local = await runLocalSweep(
      plan.filter((run) => !previous.has(run.id)),
      { workers: options.workers, attempts: options.attempts, signal, progress, runs, log: io.out },
    );
    results = [...collect(plan, previous), ...local.results];
    failures = local.failures;
  } else {
    const distributed = await runRedisSweep(plan, {
      sweepId: id,
      redis: options.redis,
      attempts: options.attempts,
      resume: options.resume,
      fresh: options.fresh,
      signal,
      runs,
      log: io.out,
      start: (finished) => new SweepProgress(id, plan.length, finished, io.err),
    });
    results = distributed.results;
    failures = distributed.failures;
  }
  // Plan order, so reports of the same sweep list runs the same way however they finished.
  const order = new Map(plan.map((run, i) => [run.id, i]));
  results.sort((a, b) => order.get(a.run.id)! - order.get(b.run.id)!);
  const partial = results.length + failures.length < plan.length;
  const ranking = rankResults(results);
  const wallSeconds = (performance.now() - start) / 1000;
  const files = await writeSweepReport(dir, {
    sweepId: id,
    mode: options.redis === null ? 'local' : 'redis',
    partial,
    total: plan.length,
    results,
    failures,
    ranking,
    wallSeconds,
    subtitle: describeSweep(plan, options),
  });
  for (const line of formatRanking(ranking)) io.out(line);
  for (const failure of failures)
    io.out(
      `failed: ${failure.id} ${failure.name} after ${failure.attempts} attempt(s): ${failure.error}`,
    );
  io.out(
    `sweep ${id}: ${results.length} finished, ${failures.length} failed` +
      `${partial ? `, ${plan.length - results.length - failures.length} missing (interrupted; run again with --resume)` : ''}` +
      ` in ${formatDuration(wallSeconds)}`,
  );
  io.out(`report: ${files.join(', ')}`);
  if (partial) return interruptedCode();
  return failures.length > 0 ? 1 : 0;
}

/** `12 configurations (4 x 3 seeds), mnist, mlp, 2 epochs, backend auto, 2 local processes`. */
function describeSweep(plan: readonly PlannedRun[], options: SweepOptions): string {
  const first = plan[0]!.config;
  const same = <K extends keyof PlannedRun['config']>(key: K) =>
    plan.every((run) => run.config[key] === first[key]) ? String(first[key]) : 'varied';
  const groups = new Set(plan.map((run) => run.groupId)).size;
  const where =
    options.redis === null
      ? `${count(Math.min(options.workers, plan.length), 'local process', 'local processes')}`
      : 'workers through Redis';
  return (
    `${count(plan.length, 'configuration')} (${groups} x ${count(options.spec.seeds, 'seed')}), data ${same('dataset')}, ` +
    `model ${same('model')}, ${same('epochs')} epochs, backend ${same('backend')}, ${where}`
  );
}

function collect(plan: readonly PlannedRun[], records: Map<string, RunRecord>): SweepResult[] {
  return plan.flatMap((run) => {
    const record = records.get(run.id);
    return record ? [{ run, record }] : [];
  });
}

/** `1 seed`, `3 seeds`. */
function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
