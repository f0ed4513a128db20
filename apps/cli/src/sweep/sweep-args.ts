import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { withoutBom } from '../compare-config.js';
import {
  BASE_KEYS,
  type FlagValues,
  parseGrid,
  SWITCH_KEYS,
  type SweepSpec,
  SweepUsageError,
} from './plan.js';

/** Where Redis is: a `redis://` or `rediss://` (TLS) URL as ioredis takes it, and a CA file. */
export interface RedisTarget {
  url: string;
  /** PEM file of the CA that signed a TLS server's certificate (private CAs); null = system. */
  caFile: string | null;
}

export interface SweepOptions {
  spec: SweepSpec;
  /** Report directory; null = `sweep-<id>` in the working directory. */
  report: string | null;
  /** Local pool size (default: the number of cores). */
  workers: number;
  /** Distributed mode when set. */
  redis: RedisTarget | null;
  resume: boolean;
  fresh: boolean;
  /** Tries per configuration before it counts as failed (default 3). */
  attempts: number;
  dryRun: boolean;
}

export interface WorkerCommandOptions {
  redis: RedisTarget;
  /** Jobs trained at once, each in its own process (default 1). */
  concurrency: number;
  /** Serve only this sweep; null = every sweep, oldest first. */
  sweep: string | null;
  /**
   * A job's lock lasts this long (renewed at half of it while training runs) and stalled jobs
   * are looked for this often: a killed worker's job is retried after one to two of these.
   */
  lockSeconds: number;
  name: string;
}

export type SweepCommand =
  | { kind: 'help'; text: string }
  | { kind: 'sweep'; options: SweepOptions }
  | { kind: 'worker'; options: WorkerCommandOptions };

export const SWEEP_USAGE = `usage: overfit sweep (--grid SPEC | --config FILE.json) [sweep options] [train options]
       overfit worker [--redis URL] [--concurrency K] [--sweep ID] [--lock-seconds S]

Trains every configuration of a grid (each with a stable id: the hash of its configuration),
locally on a pool of processes or on any number of machines through a BullMQ queue on Redis,
and writes report DIR/metrics.json, summary.csv and ranking.csv (ranked by validation
macro-F1, mean and std over seeds). Train options (see overfit train --help) apply to every
configuration.

sweep options:
  --grid SPEC          e.g. "l2=0,1e-3,1e-2;dropout=0,0.15;depth=2,4" (keys: train flags)
  --config FILE.json   {"grid": {"l2": [0, 0.001]}, "configurations": [{"augment": "mnist"}],
                       "base": {"epochs": 2}, "random": 4, "seeds": 3}
  --random N           train N distinct grid points drawn with --sample-seed
  --sample-seed N      seed of --random's draw (default 1)
  --seeds K            run each point with seeds s, s+1, ..., s+K-1 (s = --seed, default 1)
  --report DIR         report directory (default sweep-<id>)
  --workers N          local processes (default: the number of cores, ${availableParallelism()} here)
  --redis URL          distributed: enqueue in Redis (or env OVERFIT_REDIS_URL);
                       redis://[user:password@]host:port[/db], rediss:// for TLS
  --redis-ca FILE      PEM CA for a rediss:// server with a private CA
  --attempts N         tries per configuration before it counts as failed (default 3)
  --resume             collect what finished before and run only what is missing
  --fresh              discard what a previous run of this sweep left and start over
  --dry-run            print the configurations and their ids, run nothing

worker options:
  --redis URL          as above (or env OVERFIT_REDIS_URL)
  --concurrency K      configurations trained at once, one process each (default 1)
  --sweep ID           serve only this sweep (default: every sweep, oldest first)
  --lock-seconds S     job lock and stalled-job check period (default 30)
  --name NAME          how this worker is named in logs (default host:pid)`;

const SWEEP_VALUE_FLAGS = [
  'grid',
  'config',
  'random',
  'seeds',
  'sample-seed',
  'report',
  'workers',
  'redis',
  'redis-ca',
  'attempts',
] as const;
const SWEEP_SWITCHES = ['resume', 'fresh', 'dry-run', 'help'] as const;
const WORKER_VALUE_FLAGS = ['redis', 'redis-ca', 'concurrency', 'sweep', 'lock-seconds', 'name'];

interface Split {
  values: Map<string, string>;
  switches: Set<string>;
  rest: string[];
}

/** Takes `known` flags out of `argv` (`--flag value` or `--flag=value`); the rest stays. */
function splitFlags(
  argv: readonly string[],
  valueFlags: readonly string[],
  switches: readonly string[],
  problems: string[],
): Split {
  const split: Split = { values: new Map(), switches: new Set(), rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h') {
      split.switches.add('help');
      continue;
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    const name = match?.[1];
    if (name !== undefined && valueFlags.includes(name)) {
      const value = match![2] ?? argv[++i];
      if (value === undefined) problems.push(`--${name} needs a value`);
      else if (split.values.has(name)) problems.push(`--${name} is given twice`);
      else split.values.set(name, value);
    } else if (name !== undefined && switches.includes(name)) {
      if (match![2] !== undefined)
        problems.push(`--${name} takes no value, got ${JSON.stringify(match![2])}`);
      split.switches.add(name);
    } else split.rest.push(arg);
  }
  return split;
}

function integer(
  flag: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  if (raw === undefined) return fallback;
  // Plain decimal digits, as overfit train takes them: no `0x10`, `' 3 '`, `2.0` or `1e1`.
  const value = /^[+-]?\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`--${flag} must be an integer in [${min}, ${max}], got ${JSON.stringify(raw)}`);
    return fallback;
  }
  return value;
}

/** The URL with its password replaced, for messages. */
export function redactUrl(url: string): string {
  // Not a URL with a host (`host:99999`, `u:pw@host`, which WHATWG reads as scheme `u:`): still
  // shown, as the user must see what was wrong, with whatever precedes an `@` hidden.
  const masked = () =>
    url.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^@]*@/i, (_, scheme = '') => `${scheme}***@`);
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return masked();
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return masked();
  }
}

function redisTarget(split: Split, required: boolean, problems: string[]): RedisTarget | null {
  const url = split.values.get('redis') ?? process.env.OVERFIT_REDIS_URL;
  const caFile = split.values.get('redis-ca') ?? null;
  if (url === undefined || url === '') {
    if (required) problems.push('--redis URL (or env OVERFIT_REDIS_URL) is required');
    if (caFile !== null) problems.push('--redis-ca needs --redis');
    return null;
  }
  let protocol = '';
  let pathname = '';
  try {
    ({ protocol, pathname } = new URL(url));
  } catch {
    problems.push(
      `--redis must be a URL such as redis://host:6379, got ${JSON.stringify(redactUrl(url))}`,
    );
    return null;
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:')
    problems.push(
      `--redis must be a redis:// or rediss:// (TLS) URL, got ${JSON.stringify(redactUrl(url))}`,
    );
  // ioredis reads the path as the database number; anything else would become SELECT NaN.
  if (!/^\/?\d*$/.test(pathname))
    problems.push(
      `--redis database (the URL's path) must be a number such as /0, got ${JSON.stringify(pathname)}`,
    );
  if (caFile !== null && !existsSync(caFile))
    problems.push(
      `--redis-ca must be a readable PEM file, got ${JSON.stringify(caFile)} (not found)`,
    );
  if (caFile !== null && protocol !== 'rediss:')
    problems.push('--redis-ca is for TLS: the URL must start with rediss://');
  return { url, caFile };
}

/** A JSON value as the user wrote it: `1e999` parses to Infinity, which JSON.stringify calls null. */
function shown(value: unknown): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

function flagValue(key: string, value: unknown, where: string, problems: string[]): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean' && SWITCH_KEYS.includes(key)) return String(value);
  problems.push(`${where} ${key} must be a string or a finite number, got ${shown(value)}`);
  return null;
}

/** A `--config FILE.json` sweep: grid, explicit configurations, base flags, random, seeds. */
function readConfigFile(
  file: string,
  problems: string[],
): {
  grid: SweepSpec['grid'];
  configurations: FlagValues[];
  base: string[];
  random?: number;
  seeds?: number;
} {
  const empty = { grid: [], configurations: [], base: [] };
  let json: unknown;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    problems.push(`--config ${file}: cannot read it${code ? ` (${code})` : ''}`);
    return empty;
  }
  try {
    json = JSON.parse(withoutBom(text));
  } catch (error) {
    problems.push(`--config ${file}: not valid JSON (${(error as Error).message.split('\n')[0]})`);
    return empty;
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    problems.push(`--config ${file} must hold a JSON object`);
    return empty;
  }
  const object = json as Record<string, unknown>;
  for (const key of Object.keys(object))
    if (!['grid', 'configurations', 'base', 'random', 'seeds'].includes(key))
      problems.push(
        `--config key ${JSON.stringify(key)} is not one of grid, configurations, base, random, seeds`,
      );
  const grid: SweepSpec['grid'] = [];
  if (object.grid !== undefined) {
    if (object.grid === null || typeof object.grid !== 'object' || Array.isArray(object.grid))
      problems.push('--config grid must be an object of key: [values]');
    else
      for (const [key, values] of Object.entries(object.grid)) {
        if (!Array.isArray(values) || values.length === 0) {
          problems.push(
            `--config grid ${key} must be a non-empty array, got ${JSON.stringify(values)}`,
          );
          continue;
        }
        const strings = values.map((v) => flagValue(key, v, '--config grid', problems));
        grid.push([key, strings.filter((v): v is string => v !== null)]);
      }
  }
  const configurations: FlagValues[] = [];
  if (object.configurations !== undefined) {
    if (!Array.isArray(object.configurations))
      problems.push('--config configurations must be an array of objects');
    else
      for (const [index, point] of object.configurations.entries()) {
        if (point === null || typeof point !== 'object' || Array.isArray(point)) {
          problems.push(`--config configurations[${index}] must be an object`);
          continue;
        }
        const values: FlagValues = {};
        for (const [key, value] of Object.entries(point)) {
          const text = flagValue(key, value, `--config configurations[${index}]`, problems);
          if (text !== null) values[key] = text;
        }
        configurations.push(values);
      }
  }
  const base: string[] = [];
  if (object.base !== undefined) {
    if (object.base === null || typeof object.base !== 'object' || Array.isArray(object.base))
      problems.push('--config base must be an object of flag: value');
    else
      for (const [key, value] of Object.entries(object.base)) {
        if (!BASE_KEYS.includes(key)) {
          problems.push(
            `--config base key ${JSON.stringify(key)} is not one of ${BASE_KEYS.join(', ')}`,
          );
          continue;
        }
        if (SWITCH_KEYS.includes(key)) {
          if (value === true) base.push(`--${key}`);
          else if (value !== false)
            problems.push(
              `--config base ${key} is a switch: true or false, got ${JSON.stringify(value)}`,
            );
        } else {
          const text = flagValue(key, value, '--config base', problems);
          if (text !== null) base.push(`--${key}=${text}`);
        }
      }
  }
  const count = (key: 'random' | 'seeds') => {
    const value = object[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 100_000) {
      problems.push(`--config ${key} must be an integer in [1, 100000], got ${shown(value)}`);
      return undefined;
    }
    return value;
  };
  return { grid, configurations, base, random: count('random'), seeds: count('seeds') };
}

/**
 * The command line left after the sweep's own flags: train flags for every configuration.
 * Anything else is refused here, as a sweep option (not "for train"), its value with it, so
 * that `--concurrency 2` is one line rather than also an unexpected argument "2".
 */
function trainFlags(rest: readonly string[], problems: string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const match = /^--([^=]+)(=.*)?$/s.exec(arg);
    if (match === null) {
      kept.push(arg); // the train parser names it (`unexpected argument`)
      continue;
    }
    const [, name, inline] = match;
    const takesValue = !SWITCH_KEYS.includes(name!);
    const next = rest[i + 1];
    const value =
      inline === undefined && takesValue && next !== undefined && !next.startsWith('--');
    if (BASE_KEYS.includes(name!)) {
      kept.push(arg);
      if (value) kept.push(rest[++i]!);
      continue;
    }
    if (inline === undefined && next !== undefined && !next.startsWith('--')) i++;
    if (name === 'report') problems.push('--report is a sweep option; give it once');
    else if (WORKER_VALUE_FLAGS.includes(name!) && !SWEEP_VALUE_FLAGS.some((f) => f === name))
      problems.push(
        `--${name} is an overfit worker option, not a sweep one (see overfit sweep --help)`,
      );
    else problems.push(`unknown option --${name} for sweep (see overfit sweep --help)`);
  }
  return kept;
}

/** Parses `overfit sweep ...` / `overfit worker ...` (argv includes the command word). */
export function parseSweepCommandLine(argv: readonly string[]): SweepCommand {
  const [command, ...args] = argv;
  const problems: string[] = [];
  if (command === 'worker') {
    const split = splitFlags(args, WORKER_VALUE_FLAGS, ['help'], problems);
    if (split.switches.has('help')) return { kind: 'help', text: SWEEP_USAGE };
    for (const arg of split.rest) problems.push(`worker: unknown argument ${JSON.stringify(arg)}`);
    const redis = redisTarget(split, true, problems);
    const sweep = split.values.get('sweep') ?? null;
    if (sweep !== null && !/^[0-9a-f]{12}$/.test(sweep))
      problems.push(
        `--sweep must be a sweep id (12 hex digits, printed by overfit sweep), got ${JSON.stringify(sweep)}`,
      );
    const options: WorkerCommandOptions = {
      redis: redis!,
      concurrency: integer('concurrency', split.values.get('concurrency'), 1, 1, 256, problems),
      sweep,
      lockSeconds: integer('lock-seconds', split.values.get('lock-seconds'), 30, 1, 3600, problems),
      name: split.values.get('name') ?? `${hostname()}:${process.pid}`,
    };
    if (problems.length > 0) throw new SweepUsageError(problems);
    return { kind: 'worker', options };
  }
  const split = splitFlags(args, SWEEP_VALUE_FLAGS, SWEEP_SWITCHES, problems);
  if (split.switches.has('help')) return { kind: 'help', text: SWEEP_USAGE };
  const gridText = split.values.get('grid');
  const configFile = split.values.get('config');
  if (gridText !== undefined && configFile !== undefined)
    problems.push('give --grid or --config, not both');
  if (gridText === undefined && configFile === undefined)
    problems.push(
      'overfit sweep needs --grid SPEC or --config FILE.json (see overfit sweep --help)',
    );
  const file = configFile === undefined ? null : readConfigFile(configFile, problems);
  const grid = gridText === undefined ? (file?.grid ?? []) : parseGrid(gridText, problems);
  const randomFlag = split.values.get('random');
  const seedsFlag = split.values.get('seeds');
  if (randomFlag !== undefined && file?.random !== undefined)
    problems.push('--random is given both as a flag and in --config');
  if (seedsFlag !== undefined && file?.seeds !== undefined)
    problems.push('--seeds is given both as a flag and in --config');
  const random =
    randomFlag === undefined
      ? (file?.random ?? null)
      : integer('random', randomFlag, 1, 1, 100_000, problems);
  const seeds =
    seedsFlag === undefined
      ? (file?.seeds ?? 1)
      : integer('seeds', seedsFlag, 1, 1, 1000, problems);
  const base = [...trainFlags(split.rest, problems), ...(file?.base ?? [])];
  const resume = split.switches.has('resume');
  const fresh = split.switches.has('fresh');
  if (resume && fresh) problems.push('give --resume or --fresh, not both');
  const redis = redisTarget(split, false, problems);
  if (redis !== null && split.values.has('workers'))
    problems.push(
      split.values.has('redis')
        ? '--workers is for local sweeps; with --redis, start overfit worker processes'
        : // The environment made it distributed: say so, or the refusal is a riddle.
          '--workers is for local sweeps, but OVERFIT_REDIS_URL is set (a sweep through Redis); unset it for a local sweep, or start overfit worker processes',
    );
  const report = split.values.get('report') ?? null;
  if (report !== null && report.trim() === '')
    problems.push('--report must be a directory path, got ""');
  const options: SweepOptions = {
    spec: {
      grid,
      configurations: file?.configurations ?? [],
      random,
      seeds,
      sampleSeed: integer(
        'sample-seed',
        split.values.get('sample-seed'),
        1,
        0,
        2 ** 31 - 1,
        problems,
      ),
      base,
    },
    report,
    workers: integer(
      'workers',
      split.values.get('workers'),
      availableParallelism(),
      1,
      256,
      problems,
    ),
    redis,
    resume,
    fresh,
    attempts: integer('attempts', split.values.get('attempts'), 3, 1, 100, problems),
    dryRun: split.switches.has('dry-run'),
  };
  if (problems.length > 0) throw new SweepUsageError(problems);
  return { kind: 'sweep', options };
}
