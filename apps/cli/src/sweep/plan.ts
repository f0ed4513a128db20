import { Rng } from '@overfit/core';
import { parseCommandLine, type TrainConfig, UsageError } from '../args.js';
import { configId, groupId } from './config-id.js';

/**
 * `overfit train` flags a sweep may vary (those that take a value; `--report` belongs to the
 * sweep). Values are validated by the train parser itself, so a grid accepts exactly what
 * `overfit train` accepts.
 */
export const GRID_KEYS = [
  'model',
  'dataset',
  'optimizer',
  'init',
  'loss',
  'epochs',
  'batch-size',
  'lr',
  'hidden',
  'depth',
  'activation',
  'seed',
  'backend',
  'limit',
  'validation-split',
  'l1',
  'l2',
  'weight-decay',
  'dropout',
  'dropconnect',
  'label-smoothing',
  'max-norm',
  'early-stopping',
  'augment',
  'clip-norm',
  'clip-value',
  // Switches: grid values true / false.
  'batch-norm',
  'layer-norm',
  'no-diagnostics',
] as const;

/** The train flags among {@link GRID_KEYS} that take no value. */
export const SWITCH_KEYS: readonly string[] = ['batch-norm', 'layer-norm', 'no-diagnostics'];

/** Flag name (without `--`) to value: one point of the grid. */
export type FlagValues = Record<string, string>;

/** What a sweep runs, before expansion. */
export interface SweepSpec {
  /** Keys in the order given; each with its values in the order given. */
  grid: [key: string, values: string[]][];
  /** Explicit points (a `--config` file's `configurations`), run besides the grid. */
  configurations: FlagValues[];
  /** Sample this many distinct grid points instead of the whole grid. */
  random: number | null;
  /** Seeds per point: the base seed, base seed + 1, ... */
  seeds: number;
  /** Seed of `random`'s sampling. */
  sampleSeed: number;
  /** `overfit train` flags shared by every configuration. */
  base: string[];
}

/** One configuration to train. */
export interface PlannedRun {
  /** Hash of the canonical JSON of `config`. */
  id: string;
  /** Hash of `config` without its seed: runs that differ only by seed share it. */
  groupId: string;
  /** `l2=0.001 dropout=0.15 seed=2`: the grid values that make this run what it is. */
  name: string;
  /** The same without the seed. */
  groupName: string;
  config: TrainConfig;
}

/** Bad sweep input: every problem found (`problems`, one line each), before anything runs. */
export class SweepUsageError extends UsageError {}

/** At most this many grid points (the product), so a typo cannot allocate millions. */
export const MAX_GRID_POINTS = 100_000;

/** Parses `--grid "l2=0,1e-3;dropout=0,0.15;depth=2,4"`; problems are pushed to `problems`. */
export function parseGrid(text: string, problems: string[]): SweepSpec['grid'] {
  const grid: SweepSpec['grid'] = [];
  const parts = text.split(';').map((part) => part.trim());
  if (text.trim() === '') {
    problems.push('--grid must be "key=v1,v2;key2=v3,...", got ""');
    return grid;
  }
  for (const part of parts) {
    if (part === '') continue; // a trailing ';'
    const eq = part.indexOf('=');
    if (eq <= 0) {
      problems.push(`--grid entry ${JSON.stringify(part)} must be key=v1,v2,...`);
      continue;
    }
    const key = part.slice(0, eq).trim();
    const values = part
      .slice(eq + 1)
      .split(',')
      .map((value) => value.trim());
    grid.push([key, values]);
  }
  return grid;
}

/** Checks grid keys and values against `overfit train`'s own parser. */
function checkGrid(grid: SweepSpec['grid'], base: string[], problems: string[]): void {
  const seen = new Set<string>();
  for (const [key, values] of grid) {
    if (!(GRID_KEYS as readonly string[]).includes(key)) {
      problems.push(`grid key ${JSON.stringify(key)} is not one of ${GRID_KEYS.join(', ')}`);
      continue;
    }
    if (seen.has(key)) problems.push(`grid key ${JSON.stringify(key)} is given twice`);
    seen.add(key);
    if (flagGiven(base, key))
      problems.push(
        `--${key} is given both as a train flag (or in --config "base") and as a grid key; give it once`,
      );
    if (values.length === 0 || values.some((v) => v === ''))
      problems.push(`grid key ${key} has an empty value in ${JSON.stringify(values.join(','))}`);
    const distinct = new Set(values);
    if (distinct.size !== values.length)
      problems.push(`grid key ${key} repeats a value in ${JSON.stringify(values.join(','))}`);
    for (const value of distinct) {
      if (value === '') continue;
      if (SWITCH_KEYS.includes(key)) {
        if (value !== 'true' && value !== 'false')
          problems.push(`grid ${key}=${value}: ${key} is a switch, its values are true and false`);
        continue;
      }
      for (const problem of trainProblems(toArgv({ [key]: value })))
        problems.push(`grid ${key}=${value}: ${problem}`);
    }
  }
}

function flagGiven(argv: readonly string[], key: string): boolean {
  return argv.some((arg) => arg === `--${key}` || arg.startsWith(`--${key}=`));
}

/** `argv` without `--key` (and its value, for a value flag). */
function dropFlag(argv: readonly string[], key: string): string[] {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith(`--${key}=`)) continue;
    if (arg === `--${key}`) {
      if (!SWITCH_KEYS.includes(key)) i++;
      continue;
    }
    kept.push(arg);
  }
  return kept;
}

/** The train parser's problems with these flags (empty when they are valid). */
function trainProblems(flags: string[]): string[] {
  try {
    parseCommandLine(['train', ...flags]);
    return [];
  } catch (error) {
    if (error instanceof UsageError) return error.problems;
    throw error;
  }
}

/** Flags for a point: `--key=value` (so `-1` stays a value), a switch only when true. */
function toArgv(values: FlagValues): string[] {
  return Object.entries(values).flatMap(([key, value]) =>
    SWITCH_KEYS.includes(key) ? (value === 'true' ? [`--${key}`] : []) : [`--${key}=${value}`],
  );
}

/** Every point of the grid (the cartesian product, first key varying slowest). */
function product(grid: SweepSpec['grid']): FlagValues[] {
  let points: FlagValues[] = [{}];
  for (const [key, values] of grid)
    points = points.flatMap((point) => values.map((value) => ({ ...point, [key]: value })));
  return points;
}

/** `count` distinct indices of [0, n), in a seeded order (partial Fisher-Yates). */
function sampleIndices(n: number, count: number, seed: number): number[] {
  const rng = new Rng(seed);
  const indices = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + rng.int(n - i);
    [indices[i], indices[j]] = [indices[j]!, indices[i]!];
  }
  return indices.slice(0, count);
}

function describe(values: FlagValues): string {
  const parts = Object.entries(values).map(([key, value]) => `${key}=${value}`);
  return parts.length === 0 ? 'base' : parts.join(' ');
}

/**
 * Expands a sweep into its configurations, each fully validated by the train parser, with
 * stable ids. Throws {@link SweepUsageError} listing every problem; nothing is half-planned.
 */
export function planSweep(spec: SweepSpec): PlannedRun[] {
  const problems: string[] = [];
  problems.push(...trainProblems(spec.base));
  checkGrid(spec.grid, spec.base, problems);
  for (const [index, point] of spec.configurations.entries()) {
    for (const key of Object.keys(point)) {
      // A configuration's own values override the base flags (it is spelled out on purpose).
      if (!(GRID_KEYS as readonly string[]).includes(key))
        problems.push(`configurations[${index}] key ${JSON.stringify(key)} is not a grid key`);
    }
  }
  const varied = [...spec.grid.map(([key]) => key), ...spec.configurations.flatMap(Object.keys)];
  if (spec.seeds > 1 && varied.includes('seed'))
    problems.push('--seeds cannot be combined with a grid over seed');
  const size = spec.grid.reduce((n, [, values]) => n * Math.max(values.length, 1), 1);
  if (size > MAX_GRID_POINTS)
    problems.push(`the grid has ${size} points; at most ${MAX_GRID_POINTS} are allowed`);
  if (spec.random !== null && spec.grid.length === 0)
    problems.push('--random needs a grid to sample from (--grid or a config file with "grid")');
  if (spec.random !== null && spec.random > size && spec.grid.length > 0)
    problems.push(`--random must be at most the grid's ${size} points, got ${spec.random}`);
  if (problems.length > 0) throw new SweepUsageError(problems);

  let points = spec.grid.length === 0 ? [] : product(spec.grid);
  if (spec.random !== null)
    points = sampleIndices(points.length, spec.random, spec.sampleSeed).map((i) => points[i]!);
  points.push(...spec.configurations);
  if (points.length === 0) points.push({});

  const baseSeed = parseCommandLine(['train', ...spec.base]);
  if (baseSeed.kind !== 'train') throw new SweepUsageError(['the base flags must be train flags']);
  const runs: PlannedRun[] = [];
  const byId = new Map<string, string>();
  for (const point of points) {
    for (let k = 0; k < spec.seeds; k++) {
      const seeded: FlagValues =
        spec.seeds > 1 ? { ...point, seed: String(baseSeed.config.seed + k) } : point;
      // A point's own values replace the base's (the train parser refuses a repeated flag).
      const base = Object.keys(seeded).reduce(dropFlag, spec.base);
      const argv = ['train', ...base, ...toArgv(seeded)];
      let config: TrainConfig;
      try {
        const command = parseCommandLine(argv);
        if (command.kind !== 'train') throw new UsageError('not a train command');
        config = command.config;
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        for (const problem of error.problems)
          problems.push(`configuration ${describe(seeded)}: ${problem}`);
        continue;
      }
      const id = configId(config);
      const name = describe(seeded);
      const previous = byId.get(id);
      if (previous !== undefined) {
        problems.push(`configurations ${previous} and ${name} are the same configuration`);
        continue;
      }
      byId.set(id, name);
      const { seed: _seed, ...unseeded } = seeded;
      runs.push({
        id,
        groupId: groupId(config),
        name,
        groupName: describe(unseeded),
        config,
      });
    }
  }
  if (problems.length > 0) throw new SweepUsageError(problems);
  return runs;
}

/** What a config file's `base` may hold. */
export const BASE_KEYS: readonly string[] = GRID_KEYS;
