import { readFile } from 'node:fs/promises';
import { parseAugmentationSpec } from '@overfit/augmentation';
import { checkNumber, describeValue, InvalidArgumentError, OverfitError } from '@overfit/core';
import type { TrainConfig } from './args.js';
import { bareKey, parseKeyValueSpec } from './spec.js';

/** What one configuration of `overfit compare` changes on the shared base configuration. */
export type RunOverrides = Partial<
  Pick<
    TrainConfig,
    | 'l1'
    | 'l2'
    | 'dropout'
    | 'dropconnect'
    | 'weightDecay'
    | 'labelSmoothing'
    | 'maxNorm'
    | 'augment'
  >
>;

export interface CompareRun {
  name: string;
  overrides: RunOverrides;
}

/** The course's assignment: the same network without regularization, with L1, L2 and dropout. */
export const COURSE_RUNS: readonly CompareRun[] = Object.freeze([
  { name: 'none', overrides: {} },
  { name: 'l1=0.001', overrides: { l1: 0.001 } },
  { name: 'l2=0.01', overrides: { l2: 0.01 } },
  { name: 'dropout=0.15', overrides: { dropout: 0.15 } },
]);

type NumberKey = Exclude<keyof RunOverrides, 'augment'>;

/** Per-configuration numbers, their dashed spelling and allowed range (as the flags). */
const NUMBER_KEYS: Record<
  NumberKey,
  { dashed: string; range: Parameters<typeof checkNumber>[2]; allowed: string }
> = {
  l1: { dashed: 'l1', range: { min: 0 }, allowed: 'a number >= 0' },
  l2: { dashed: 'l2', range: { min: 0 }, allowed: 'a number >= 0' },
  dropout: {
    dashed: 'dropout',
    range: { min: 0, max: 1, maxInclusive: false },
    allowed: 'a number in [0, 1)',
  },
  dropconnect: {
    dashed: 'dropconnect',
    range: { min: 0, max: 1, maxInclusive: false },
    allowed: 'a number in [0, 1)',
  },
  weightDecay: { dashed: 'weight-decay', range: { min: 0, max: 1 }, allowed: 'a number in [0, 1]' },
  labelSmoothing: {
    dashed: 'label-smoothing',
    range: { min: 0, max: 1 },
    allowed: 'a number in [0, 1]',
  },
  maxNorm: { dashed: 'max-norm', range: { min: 0, minInclusive: false }, allowed: 'a number > 0' },
};

const BY_DASHED = new Map<string, NumberKey>(
  (Object.entries(NUMBER_KEYS) as [NumberKey, { dashed: string }][]).map(([k, v]) => [v.dashed, k]),
);

/** Problems with the configurations (one line each); nothing has run. */
export class CompareConfigError extends OverfitError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.problems = problems;
  }
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * `--runs "none;l1=0.001;l2=0.01,name=ridge"`: configurations separated by `;`, each a
 * `key=value` list (`none` or an empty entry: no change).
 */
export function parseRunsSpec(text: string): CompareRun[] {
  const problems: string[] = [];
  const runs: CompareRun[] = [];
  text.split(';').forEach((part, index) => {
    const where = `--runs configuration ${index + 1}`;
    const trimmed = part.trim();
    if (trimmed === '' || trimmed === 'none') {
      runs.push({ name: trimmed || `run ${index + 1}`, overrides: {} });
      return;
    }
    try {
      const spec = parseKeyValueSpec(where, trimmed, ['name', ...BY_DASHED.keys()]);
      const overrides: RunOverrides = {};
      let name = trimmed;
      for (const [key, raw] of spec) {
        if (raw === true) {
          problems.push(bareKey(where, key, { [key]: '0.01', name: 'ridge' }));
          continue;
        }
        if (key === 'name') {
          if (raw === '') problems.push(`${where} name must be a non-empty name`);
          else name = raw;
          continue;
        }
        const field = BY_DASHED.get(key)!;
        const { range, allowed } = NUMBER_KEYS[field];
        if (!DECIMAL.test(raw)) {
          problems.push(
            new InvalidArgumentError(`${where} ${key}`, raw, `${allowed} in decimal`).message,
          );
          continue;
        }
        try {
          overrides[field] = checkNumber(`${where} ${key}`, Number(raw), range);
        } catch (error) {
          problems.push((error as Error).message);
        }
      }
      runs.push({ name, overrides });
    } catch (error) {
      problems.push((error as Error).message);
    }
  });
  problems.push(...nameProblems(runs, '--runs'));
  if (problems.length > 0) throw new CompareConfigError(problems);
  return runs;
}

/** Control characters (C0, DEL, C1): printed raw they would move the cursor or restyle a terminal. */
const CONTROL_CHARACTERS = /\p{Cc}/u;

/** Names that repeat, or that hold control characters (names are printed, and file contents). */
function nameProblems(runs: readonly CompareRun[], where: string): string[] {
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const run of runs) {
    if (CONTROL_CHARACTERS.test(run.name))
      problems.push(
        `${where}: the configuration name ${JSON.stringify(run.name)} holds control characters (newline, tab, escape, ...); use printable text`,
      );
    if (seen.has(run.name))
      problems.push(
        `${where}: two configurations are named ${JSON.stringify(run.name)}; names must differ`,
      );
    seen.add(run.name);
  }
  return problems;
}

/**
 * Validates the JSON of `--config FILE.json`: `{ "configurations": [...] }` or a bare array,
 * each entry an object of `name` (string, unique), `l1`, `l2`, `dropout`, `dropconnect`,
 * `weightDecay`, `labelSmoothing`, `maxNorm` (numbers; dashed spellings too) and `augment`
 * (a spec string). Every unknown key, wrong type and out-of-range value is one line.
 */
export function validateCompareConfig(json: unknown, file: string): CompareRun[] {
  const problems: string[] = [];
  const at = (path: string) => `${file}: ${path}`;
  let list: unknown;
  if (Array.isArray(json)) list = json;
  else if (json !== null && typeof json === 'object') {
    for (const key of Object.keys(json))
      if (key !== 'configurations')
        problems.push(`${at(key)}: unknown key (expected "configurations")`);
    list = (json as { configurations?: unknown }).configurations;
    if (list === undefined)
      problems.push(`${at('configurations')}: missing (a list of configurations)`);
  } else
    problems.push(
      `${file}: must be a JSON object { "configurations": [...] } or a list, got ${describeValue(json)}`,
    );
  const runs: CompareRun[] = [];
  if (list !== undefined && !Array.isArray(list))
    problems.push(
      `${at('configurations')} must be a list of configurations, got ${describeValue(list)}`,
    );
  else if (Array.isArray(list)) {
    if (list.length === 0)
      problems.push(`${at('configurations')} must hold at least one configuration`);
    list.forEach((entry, i) => {
      const path = `configurations[${i}]`;
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
        problems.push(
          `${at(path)} must be an object like { "name": "l2", "l2": 0.01 }, got ${describeValue(entry)}`,
        );
        return;
      }
      const overrides: RunOverrides = {};
      const spelled = new Set<NumberKey>();
      let name = `run ${i + 1}`;
      for (const [key, value] of Object.entries(entry)) {
        const where = at(`${path}.${key}`);
        if (key === 'name') {
          if (typeof value !== 'string' || value.trim() === '')
            problems.push(`${where} must be a non-empty string, got ${describeValue(value)}`);
          else name = value;
          continue;
        }
        if (key === 'augment') {
          if (typeof value !== 'string') {
            problems.push(
              `${where} must be an augmentation spec string, got ${describeValue(value)}`,
            );
            continue;
          }
          try {
            parseAugmentationSpec(value);
            overrides.augment = value;
          } catch (error) {
            problems.push(`${where}: ${(error as Error).message.split('\n')[0]}`);
          }
          continue;
        }
        const field = (key in NUMBER_KEYS ? key : BY_DASHED.get(key)) as NumberKey | undefined;
        if (field === undefined) {
          problems.push(
            `${where}: unknown key (allowed: name, ${Object.keys(NUMBER_KEYS).join(', ')}, augment)`,
          );
          continue;
        }
        if (spelled.has(field)) {
          // `weightDecay` and `weight-decay` both: as a flag given twice, refused, not last-wins.
          problems.push(
            `${where}: ${field} is given twice (camelCase and dashed spellings); give it once`,
          );
          continue;
        }
        spelled.add(field);
        const { range, allowed } = NUMBER_KEYS[field];
        if (typeof value !== 'number') {
          problems.push(`${where} must be ${allowed} (a JSON number), got ${describeValue(value)}`);
          continue;
        }
        try {
          overrides[field] = checkNumber(`${where}`, value, range);
        } catch (error) {
          problems.push((error as Error).message);
        }
      }
      runs.push({ name, overrides });
    });
    problems.push(...nameProblems(runs, file));
  }
  if (problems.length > 0) throw new CompareConfigError(problems);
  return runs;
}

/** The text without a leading UTF-8 byte order mark (Windows editors write one; JSON.parse refuses it). */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Reads and validates `--config FILE.json` (one line per problem; unreadable file, bad JSON). */
export async function readCompareConfig(file: string): Promise<CompareRun[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new CompareConfigError([`--config ${file}: cannot read it${code ? ` (${code})` : ''}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(withoutBom(text));
  } catch (error) {
    throw new CompareConfigError([
      `--config ${file}: not valid JSON (${(error as Error).message})`,
    ]);
  }
  return validateCompareConfig(json, file);
}

/** The base configuration with one run's changes. */
export function applyOverrides(base: TrainConfig, run: CompareRun): TrainConfig {
  return { ...base, ...run.overrides };
}
