import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { TrainConfig } from '../args.js';
import { SweepStateError } from './local.js';
import { type RedisTarget, redactUrl } from './sweep-args.js';

/** Active sweeps, oldest first (score: start time in ms): what `overfit worker` serves. */
export const REGISTRY_KEY = 'overfit:sweeps';

/** Redis keys of one sweep (BullMQ keeps its own under `bull:<queue>:`). */
export function sweepKeys(sweepId: string) {
  const prefix = `overfit:sweep:${sweepId}`;
  return {
    /** Hash: total, created, status. */
    meta: `${prefix}:meta`,
    /** Hash: config id -> RunRecord JSON, each written once (HSETNX). */
    results: `${prefix}:results`,
    /** List: `started|stored|duplicate <config id> <worker> <attempt>` events, oldest first. */
    log: `${prefix}:log`,
  };
}

/** BullMQ queue of a sweep. */
export function queueName(sweepId: string): string {
  return `overfit-sweep-${sweepId}`;
}

/** One job: everything a worker on another machine needs. */
export interface SweepJobData {
  sweepId: string;
  configId: string;
  name: string;
  config: TrainConfig;
}

/** What a worker returns to BullMQ (the record itself lives in the results hash). */
export interface SweepJobResult {
  configId: string;
  stored: boolean;
  worker: string;
}

/**
 * ioredis options for the URL (password, db, `rediss://` for TLS), with the CA file when one
 * is given. `maxRetriesPerRequest: null`: BullMQ's blocking commands must wait, not fail.
 */
export function redisOptions(target: RedisTarget): {
  url: string;
  maxRetriesPerRequest: null;
  tls?: { ca: Buffer };
} {
  return {
    url: target.url,
    maxRetriesPerRequest: null,
    ...(target.caFile === null ? {} : { tls: { ca: readFileSync(target.caFile) } }),
  };
}

/** BullMQ's connection for the target. */
export function bullConnection(target: RedisTarget): ConnectionOptions {
  return redisOptions(target);
}

/** A plain client, checked with PING; a clear error when Redis cannot be reached in time. */
export async function connectRedis(target: RedisTarget, timeoutMs = 10_000): Promise<Redis> {
  const { url, ...options } = redisOptions(target);
  const client = new Redis(url, { ...options, lazyConnect: true, maxRetriesPerRequest: 3 });
  // ioredis reports why (WRONGPASS, ECONNREFUSED, a TLS error) as an 'error' event; the
  // connect promise itself only says the connection closed.
  let cause: Error | undefined;
  client.on('error', (error: Error) => {
    cause ??= error;
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      // A database the server does not have (`/99` of 16) only raises an 'error' event while
      // ioredis goes on in database 0: select it here, so that it fails instead.
      client
        .connect()
        .then(() => client.ping())
        .then(() => (client.options.db ? client.select(client.options.db) : undefined)),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer in ${timeoutMs / 1000} s`)),
          timeoutMs,
        );
      }),
    ]);
    return client;
  } catch (error) {
    client.disconnect();
    const reason = (cause ?? (error as Error)).message.split('\n')[0]!;
    const where = redactUrl(target.url);
    // ioredis says "Protocol error, got "H" as reply type byte. Please report this." of any
    // server that is not Redis (an HTTP proxy, a database on the wrong port): not its bug.
    const protocol = /^Protocol error, got (.+) as reply type byte/.exec(reason);
    throw new SweepStateError(
      /DB index/.test(reason)
        ? `cannot use database ${client.options.db} of Redis at ${where}: ${reason}`
        : protocol
          ? `cannot reach Redis at ${where}: the server there does not speak Redis' protocol (its reply began with ${protocol[1]}); is it a Redis server?`
          : `cannot reach Redis at ${where}: ${reason}`,
    );
  } finally {
    clearTimeout(timer);
  }
}
