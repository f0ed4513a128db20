import { Queue } from 'bullmq';
import { type RunsDirectory, SweepStateError } from './local.js';
import type { PlannedRun } from './plan.js';
import type { SweepProgress } from './progress.js';
import type { SweepResult } from './ranking.js';
import {
  bullConnection,
  connectRedis,
  queueName,
  REGISTRY_KEY,
  type SweepJobData,
  sweepKeys,
} from './redis.js';
import type { RunRecord } from './run-job.js';
import { sleep } from './sleep.js';
import type { RedisTarget } from './sweep-args.js';
import type { SweepFailure } from './writer.js';

export interface RedisSweepOptions {
  sweepId: string;
  redis: RedisTarget;
  attempts: number;
  resume: boolean;
  fresh: boolean;
  signal: AbortSignal;
  runs: RunsDirectory;
  log: (line: string) => void;
  /** Called once the previous results are known, before collecting: sets up progress. */
  start: (alreadyFinished: number) => SweepProgress;
  pollMs?: number;
}

/**
 * Enqueues the sweep's missing configurations in its BullMQ queue (job id = config id, so a
 * configuration is queued once however often the sweep is started) and collects results as
 * workers store them. Returns when every configuration has a result or has failed for good,
 * or when `signal` aborts (the jobs stay queued; `--resume` collects them later).
 */
export async function runRedisSweep(
  plan: readonly PlannedRun[],
  options: RedisSweepOptions,
): Promise<{ results: SweepResult[]; failures: SweepFailure[]; previous: number }> {
  const keys = sweepKeys(options.sweepId);
  const client = await connectRedis(options.redis);
  const queue = new Queue<SweepJobData>(queueName(options.sweepId), {
    connection: bullConnection(options.redis),
  });
  try {
    const exists = (await client.exists(keys.meta)) === 1;
    if (exists && !options.resume && !options.fresh) {
      const stored = await client.hlen(keys.results);
      throw new SweepStateError(
        `sweep ${options.sweepId} already exists in Redis (${stored} of ${plan.length} results ` +
          'stored); pass --resume to collect them and run the rest, or --fresh to start over',
      );
    }
    if (options.fresh) {
      await queue.obliterate({ force: true });
      await client.del(keys.meta, keys.results, keys.log);
    }
    await client.hset(keys.meta, { total: plan.length, created: Date.now(), status: 'running' });
    await client.zadd(REGISTRY_KEY, 'NX', Date.now(), options.sweepId);

    const byId = new Map(plan.map((run) => [run.id, run]));
    const results: SweepResult[] = [];
    const failures: SweepFailure[] = [];
    const collected = new Set<string>();
    const stored = new Set(await client.hkeys(keys.results));
    for (const id of stored) {
      const run = byId.get(id);
      const text = run && (await client.hget(keys.results, id));
      if (!run || !text) continue;
      const record = JSON.parse(text) as RunRecord;
      results.push({ run, record });
      collected.add(id);
      await options.runs.save(id, record);
    }
    const previous = collected.size;
    if (previous > 0) options.log(`resume: ${previous} of ${plan.length} results already in Redis`);

    const toAdd: PlannedRun[] = [];
    for (const run of plan) {
      if (collected.has(run.id)) continue;
      const job = await queue.getJob(run.id);
      if (!job) toAdd.push(run);
      else {
        const state = await job.getState();
        if (state === 'failed')
          await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
        else if (state === 'completed' || state === 'unknown') {
          await job.remove();
          toAdd.push(run);
        }
        // waiting, delayed, active, prioritized: already on its way.
      }
    }
    await queue.addBulk(
      toAdd.map((run) => ({
        name: 'train',
        data: { sweepId: options.sweepId, configId: run.id, name: run.name, config: run.config },
        opts: {
          jobId: run.id,
          attempts: options.attempts,
          backoff: { type: 'exponential', delay: 1000 },
          removeOnComplete: false,
          removeOnFail: false,
        },
      })),
    );
    options.log(
      `redis: sweep ${options.sweepId} queue ${queueName(options.sweepId)}: ` +
        `${toAdd.length} queued, ${plan.length - previous - toAdd.length} already queued; ` +
        'start workers with: overfit worker --redis URL',
    );

    const progress = options.start(previous);
    const failed = new Set<string>();
    while (collected.size + failed.size < plan.length && !options.signal.aborted) {
      for (const id of await client.hkeys(keys.results)) {
        const run = byId.get(id);
        if (!run || collected.has(id)) continue;
        const text = await client.hget(keys.results, id);
        if (text === null) continue;
        const record = JSON.parse(text) as RunRecord;
        await options.runs.save(id, record);
        results.push({ run, record });
        collected.add(id);
        if (failed.delete(id))
          failures.splice(
            failures.findIndex((f) => f.id === id),
            1,
          );
        progress.record('finished', `${id} ${run.name}`);
      }
      for (const job of await queue.getFailed(0, -1)) {
        const run = job.id === undefined ? undefined : byId.get(job.id);
        if (!run || collected.has(run.id) || failed.has(run.id)) continue;
        failed.add(run.id);
        const error = job.failedReason || 'failed without a reason';
        failures.push({ id: run.id, name: run.name, error, attempts: job.attemptsMade });
        progress.record('failed', `${run.id} ${run.name}: ${error}`);
      }
      if (collected.size + failed.size < plan.length)
        await sleep(options.pollMs ?? 500, options.signal);
    }
    if (!options.signal.aborted) {
      await client.hset(keys.meta, { status: 'done', finished: Date.now() });
      await client.zrem(REGISTRY_KEY, options.sweepId);
    }
    return { results, failures, previous };
  } finally {
    await queue.close();
    client.disconnect();
  }
}
