import { type Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { JobFailure, TrainingPool } from './pool.js';
import {
  bullConnection,
  connectRedis,
  queueName,
  REGISTRY_KEY,
  type SweepJobData,
  type SweepJobResult,
  sweepKeys,
} from './redis.js';
import { sleep } from './sleep.js';
import type { WorkerCommandOptions } from './sweep-args.js';

/**
 * `overfit worker`: takes jobs of the oldest registered sweep that has any (or of `--sweep`),
 * trains each in one of `concurrency` single-threaded processes (so this process stays free to
 * renew its job locks), stores the record once (HSETNX by config id) and moves on to the next
 * sweep when the current one has nothing waiting, running or delayed. Stops taking jobs when `stop` aborts and returns once its jobs finished;
 * `kill` aborting ends the training processes at once (their jobs are retried elsewhere).
 */
export async function runWorker(
  options: WorkerCommandOptions,
  log: (line: string) => void,
  stop: AbortSignal,
  kill: AbortSignal,
): Promise<void> {
  const client = await connectRedis(options.redis);
  const pool = new TrainingPool(options.concurrency, {
    onSpawn: (pid) => log(`worker ${options.name}: training process ${pid}`),
  });
  kill.addEventListener('abort', () => void pool.close(0), { once: true });
  log(
    `worker ${options.name}: ${options.concurrency} at a time, serving ` +
      `${options.sweep === null ? 'every sweep, oldest first' : `sweep ${options.sweep}`}`,
  );

  const train = async (job: Job<SweepJobData, SweepJobResult>): Promise<SweepJobResult> => {
    const { sweepId, configId, name, config } = job.data;
    const keys = sweepKeys(sweepId);
    const attempt = job.attemptsStarted;
    log(`job ${configId} started (${name}, attempt ${attempt})`);
    await client.rpush(keys.log, `started ${configId} ${options.name} ${attempt}`);
    // A retried job whose result was stored before its worker died: nothing to train.
    if ((await client.hexists(keys.results, configId)) === 1) {
      await client.rpush(keys.log, `duplicate ${configId} ${options.name} ${attempt}`);
      return { configId, stored: false, worker: options.name };
    }
    let record: unknown;
    try {
      record = await pool.run(name, config);
    } catch (error) {
      if (error instanceof JobFailure && error.permanent)
        throw new UnrecoverableError(error.message);
      throw error;
    }
    const stored = (await client.hsetnx(keys.results, configId, JSON.stringify(record))) === 1;
    await client.rpush(
      keys.log,
      `${stored ? 'stored' : 'duplicate'} ${configId} ${options.name} ${attempt}`,
    );
    log(`job ${configId} ${stored ? 'stored' : 'finished (a result was already stored)'}`);
    return { configId, stored, worker: options.name };
  };

  // Queues are only read here (job counts); BullMQ Workers below take the jobs.
  const queues = new Map<string, Queue>();
  const pending = async (sweepId: string): Promise<number> => {
    let queue = queues.get(sweepId);
    if (!queue) {
      queue = new Queue(queueName(sweepId), { connection: bullConnection(options.redis) });
      queues.set(sweepId, queue);
    }
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(counts).reduce((s, n) => s + n, 0);
  };
  // The oldest registered sweep with jobs waiting, running (whose worker may have died: a
  // queue's stalled jobs are found by the Workers attached to it) or delayed for a retry.
  const nextSweep = async (): Promise<string | undefined> => {
    if (options.sweep !== null) return options.sweep;
    for (const sweepId of await client.zrange(REGISTRY_KEY, 0, -1))
      if ((await pending(sweepId)) > 0) return sweepId;
    return undefined;
  };

  try {
    while (!stop.aborted) {
      const sweepId = await nextSweep();
      if (sweepId === undefined) {
        await sleep(1000, stop);
        continue;
      }
      log(`worker ${options.name}: serving sweep ${sweepId}`);
      const worker = new Worker<SweepJobData, SweepJobResult>(queueName(sweepId), train, {
        connection: bullConnection(options.redis),
        concurrency: options.concurrency,
        name: options.name,
        lockDuration: options.lockSeconds * 1000,
        stalledInterval: options.lockSeconds * 1000,
        // A job whose worker died twice is most likely killing its workers: fail it then.
        maxStalledCount: 2,
      });
      worker.on('failed', (job, error) => log(`job ${job?.id} failed: ${error.message}`));
      worker.on('stalled', (jobId) => log(`job ${jobId} stalled (its worker died?): queued again`));
      worker.on('error', (error) => log(`worker error: ${error.message}`));
      // Stay while the sweep has work; then the next sweep (or this one again when resumed).
      while (!stop.aborted) {
        await sleep(1000, stop);
        if (options.sweep === null && (await pending(sweepId)) === 0) break;
      }
      await worker.close(kill.aborted);
    }
  } finally {
    await Promise.all([...queues.values()].map((queue) => queue.close()));
    await pool.close();
    client.disconnect();
  }
}
