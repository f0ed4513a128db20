import { parseArgs } from 'node:util';
import { checkInteger, checkNumber, checkOneOf, checkRate, InvalidArgumentError, OverfitError } from '@overfit/core';

/** Activations `--activation` accepts (those of core's `mlp`). */
export const ACTIVATIONS = ['relu', 'leakyRelu', 'elu', 'tanh', 'sigmoid', 'softplus'] as const;
/** Backends `--backend` accepts; `auto` tries them in this order. */
export const BACKENDS = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;

/** Everything `overfit train` was asked to do, validated. Recorded as the report's `config`. */
export interface TrainConfig {
  epochs: number;
  batchSize: number;
  lr: number;
  hidden: number;
  depth: number;
  activation: (typeof ACTIVATIONS)[number];
  seed: number;
  backend: (typeof BACKENDS)[number];
  limit: number | null;
  validationSplit: number;
  report: string | null;
}

export type Command = { kind: 'help'; text: string } | { kind: 'train'; config: TrainConfig };

/** A bad command line: printed as one line, exit code 2. */
export class UsageError extends OverfitError {}

export const USAGE = `usage: overfit train [options]

Trains an MLP (784-hidden x depth-10) on real MNIST and reports validation macro-F1 per epoch
and the final test macro-F1 and accuracy.

options:
  --epochs N            epochs (default 5)
  --batch-size N        mini-batch size (default 128)
  --lr X                Adam learning rate (default 0.001)
  --hidden N            units per hidden layer (default 256)
  --depth N             hidden layers (default 3)
  --activation NAME     ${ACTIVATIONS.join(' | ')} (default relu)
  --seed N              seed of init, shuffling and dropout (default 1)
  --backend NAME        ${BACKENDS.join(' | ')} (default auto: tensorflow, wasm, cpu)
  --limit N             use only the first N training images (default all 60000)
  --validation-split X  fraction of the training images held out (default 0.1)
  --report DIR          write DIR/metrics.json
  -h, --help            this text`;

const OPTIONS = {
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  lr: { type: 'string' },
  hidden: { type: 'string' },
  depth: { type: 'string' },
  activation: { type: 'string' },
  seed: { type: 'string' },
  backend: { type: 'string' },
  limit: { type: 'string' },
  'validation-split': { type: 'string' },
  report: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function numeric(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = raw.trim() === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(value)) throw new InvalidArgumentError(flag, raw, 'a number');
  return value;
}

/**
 * Parses `overfit <command> [options]`. Throws {@link UsageError} (one line, names the flag, the
 * value and what is allowed) before anything runs.
 */
export function parseCommandLine(argv: readonly string[]): Command {
  try {
    return parseOrThrow(argv);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(message.split('\n')[0]!);
  }
}

function parseOrThrow(argv: readonly string[]): Command {
  const { values, positionals } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  if (values.help) return { kind: 'help', text: USAGE };
  const [command, ...rest] = positionals;
  if (command === undefined) throw new UsageError(`missing command: expected 'train' (see overfit --help)`);
  if (command !== 'train') throw new UsageError(`unknown command ${JSON.stringify(command)}: expected 'train'`);
  if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`);
  const get = (flag: keyof typeof OPTIONS) => values[flag] as string | undefined;
  const config: TrainConfig = {
    epochs: checkInteger('--epochs', numeric('--epochs', get('epochs')) ?? 5, { min: 1, max: 10_000 }),
    batchSize: checkInteger('--batch-size', numeric('--batch-size', get('batch-size')) ?? 128, { min: 1, max: 60_000 }),
    lr: checkNumber('--lr', numeric('--lr', get('lr')) ?? 1e-3, { min: 0, minInclusive: false, max: 10 }),
    hidden: checkInteger('--hidden', numeric('--hidden', get('hidden')) ?? 256, { min: 1, max: 65_536 }),
    depth: checkInteger('--depth', numeric('--depth', get('depth')) ?? 3, { min: 1, max: 100 }),
    activation: checkOneOf('--activation', get('activation') ?? 'relu', ACTIVATIONS),
    seed: checkInteger('--seed', numeric('--seed', get('seed')) ?? 1, { min: 0, max: 2 ** 31 - 1 }),
    backend: checkOneOf('--backend', get('backend') ?? 'auto', BACKENDS),
    limit: get('limit') === undefined ? null : checkInteger('--limit', numeric('--limit', get('limit')), { min: 1, max: 60_000 }),
    validationSplit: checkRate('--validation-split', numeric('--validation-split', get('validation-split')) ?? 0.1),
    report: get('report') ?? null,
  };
  if (config.report !== null && config.report.trim() === '') throw new UsageError('--report must be a directory path, got ""');
  return { kind: 'train', config };
}
