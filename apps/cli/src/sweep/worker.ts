import { type Job, UnrecoverableError, Worker } from 'bullmq';
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
import type { WorkerCommandOptions } from './sweep-args.js';

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * `overfit worker`: takes jobs of the oldest active sweep (or of `--sweep`), trains each in one
 * of `concurrency` single-threaded processes (so this process stays free to renew its job
 * locks), stores the record once (HSETNX by config id) and moves on to the next sweep when the
 * current one is done. Stops taking jobs when `stop` aborts and returns once its jobs finished;
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

  try {
    while (!stop.aborted) {
      const sweepId = options.sweep ?? (await client.zrange(REGISTRY_KEY, 0, 0))[0];
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
      while (!stop.aborted) {
        await sleep(1000, stop);
        if (options.sweep === null && (await client.zscore(REGISTRY_KEY, sweepId)) === null) break;
      }
      await worker.close(kill.aborted);
    }
  } finally {
    await pool.close();
    client.disconnect();
  }
}
