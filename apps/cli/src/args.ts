import { parseArgs } from 'node:util';
import { parseAugmentationSpec } from '@overfit/augmentation';
import {
  checkInteger,
  checkNumber,
  checkOneOf,
  checkRate,
  InvalidArgumentError,
  OverfitError,
} from '@overfit/core';
import { parseKeyValueSpec, specNumber } from './spec.js';

/** Activations `--activation` accepts (those of core's `mlp`). */
export const ACTIVATIONS = ['relu', 'leakyRelu', 'elu', 'tanh', 'sigmoid', 'softplus'] as const;
/** Backends `--backend` accepts; `auto` tries them in this order. */
export const BACKENDS = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;

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
  /** Regularization (issue: @overfit/regularizers); null = off. */
  l1: number | null;
  l2: number | null;
  weightDecay: number | null;
  dropout: number | null;
  dropconnect: number | null;
  labelSmoothing: number | null;
  maxNorm: number | null;
  earlyStopping: EarlyStoppingFlag | null;
  /** Gradient clipping (Keras global_clipnorm / clipvalue); null = off. */
  clipNorm: number | null;
  clipValue: number | null;
  /** Per-step gradient norms and per-epoch distributions in the report (default on). */
  diagnostics: boolean;
  /** `--augment` spec (e.g. `rotate(15),translate(0.1),erase(0.5)` or `mnist`); null = off. */
  augment: string | null;
}

/** `--early-stopping patience=5,monitor=valLoss,min-delta=0,mode=auto,restore`. */
export interface EarlyStoppingFlag {
  monitor: string;
  patience: number;
  minDelta: number;
  mode: 'auto' | 'min' | 'max';
  restoreBestWeights: boolean;
}

export type Command =
  | { kind: 'help'; text: string }
  | { kind: 'train'; config: TrainConfig }
  | { kind: 'doctor' };

/** A bad command line: printed as one line, exit code 2. */
export class UsageError extends OverfitError {}

export const USAGE = `usage: overfit train [options]
       overfit doctor        which backends load here and why not (Vulkan drivers, WebGPU adapter, kernels)
       overfit sweep|worker  grids of trainings on local processes or through Redis (see overfit sweep --help)

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
  --backend NAME        ${BACKENDS.join(' | ')} (default auto: tensorflow, webgpu on a
                        hardware adapter, wasm, cpu; webgpu forced also runs on a software one)
  --limit N             use only the first N training images (default all 60000)
  --validation-split X  fraction of the training images held out (default 0.1)
  --report DIR          write DIR/metrics.json

regularization (all off by default):
  --l1 X                L1 penalty lambda * sum|w| on kernels (biases excluded)
  --l2 X                L2 penalty lambda * sum w^2 on kernels
  --weight-decay X      decoupled weight decay (AdamW): w <- w - lr * X * w
  --dropout P           inverted dropout after each hidden layer, P in [0, 1)
  --dropconnect P       DropConnect: drop hidden-layer weights with probability P
  --label-smoothing E   targets (1 - E) * onehot + E / 10
  --max-norm C          max-norm constraint on each unit's incoming weights
  --early-stopping SPEC e.g. patience=5,monitor=valLoss,restore
                        (keys: monitor, patience, min-delta, mode=auto|min|max, restore)

gradients:
  --clip-norm C         clip gradients to global L2 norm C (pre-clip norm is reported)
  --clip-value V        clip each gradient element to [-V, V]
  --no-diagnostics      skip gradient norms and activation/gradient distributions

augmentation (training batches only):
  --augment SPEC        e.g. "rotate(15),translate(0.1),erase(0.5)" or the preset mnist
                        (rotation 10 deg, translation 0.1, brightness/contrast 0.2). With it,
                        images stay in [0, 1] (no standardization) so transforms see pixels.
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
  l1: { type: 'string' },
  l2: { type: 'string' },
  'weight-decay': { type: 'string' },
  dropout: { type: 'string' },
  dropconnect: { type: 'string' },
  'label-smoothing': { type: 'string' },
  'max-norm': { type: 'string' },
  'early-stopping': { type: 'string' },
  augment: { type: 'string' },
  'clip-norm': { type: 'string' },
  'clip-value': { type: 'string' },
  'no-diagnostics': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function optional(
  flag: string,
  raw: string | undefined,
  range: Parameters<typeof checkNumber>[2],
): number | null {
  return raw === undefined ? null : checkNumber(flag, numeric(flag, raw), range);
}

function parseEarlyStopping(text: string): EarlyStoppingFlag {
  const flag = '--early-stopping';
  const spec = parseKeyValueSpec(flag, text, [
    'monitor',
    'patience',
    'min-delta',
    'mode',
    'restore',
  ]);
  const monitor = spec.get('monitor') ?? 'valLoss';
  if (monitor === true || monitor === '')
    throw new InvalidArgumentError(
      `${flag} monitor`,
      monitor,
      'a log key such as valLoss or valMacroF1',
    );
  const restore = spec.get('restore');
  if (restore !== undefined && restore !== true && restore !== 'true' && restore !== 'false') {
    throw new InvalidArgumentError(`${flag} restore`, restore, 'a bare flag, true or false');
  }
  return {
    monitor,
    patience: checkInteger(`${flag} patience`, specNumber(flag, spec, 'patience', 5), { min: 0 }),
    minDelta: checkNumber(`${flag} min-delta`, specNumber(flag, spec, 'min-delta', 0), { min: 0 }),
    mode: checkOneOf(`${flag} mode`, spec.get('mode') ?? 'auto', ['auto', 'min', 'max'] as const),
    restoreBestWeights: restore === true || restore === 'true',
  };
}

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
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: OPTIONS,
    allowPositionals: true,
    strict: true,
  });
  if (values.help) return { kind: 'help', text: USAGE };
  const [command, ...rest] = positionals;
  if (command === undefined)
    throw new UsageError(`missing command: expected 'train' or 'doctor' (see overfit --help)`);
  if (command !== 'train' && command !== 'doctor')
    throw new UsageError(
      `unknown command ${JSON.stringify(command)}: expected 'train' or 'doctor'`,
    );
  if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`);
  if (command === 'doctor') {
    const given = Object.keys(values);
    if (given.length > 0) throw new UsageError(`doctor takes no options, got --${given[0]}`);
    return { kind: 'doctor' };
  }
  const get = (flag: keyof typeof OPTIONS) => values[flag] as string | undefined;
  const config: TrainConfig = {
    epochs: checkInteger('--epochs', numeric('--epochs', get('epochs')) ?? 5, {
      min: 1,
      max: 10_000,
    }),
    batchSize: checkInteger('--batch-size', numeric('--batch-size', get('batch-size')) ?? 128, {
      min: 1,
      max: 60_000,
    }),
    lr: checkNumber('--lr', numeric('--lr', get('lr')) ?? 1e-3, {
      min: 0,
      minInclusive: false,
      max: 10,
    }),
    hidden: checkInteger('--hidden', numeric('--hidden', get('hidden')) ?? 256, {
      min: 1,
      max: 65_536,
    }),
    depth: checkInteger('--depth', numeric('--depth', get('depth')) ?? 3, { min: 1, max: 100 }),
    activation: checkOneOf('--activation', get('activation') ?? 'relu', ACTIVATIONS),
    seed: checkInteger('--seed', numeric('--seed', get('seed')) ?? 1, { min: 0, max: 2 ** 31 - 1 }),
    backend: checkOneOf('--backend', get('backend') ?? 'auto', BACKENDS),
    limit:
      get('limit') === undefined
        ? null
        : checkInteger('--limit', numeric('--limit', get('limit')), { min: 1, max: 60_000 }),
    validationSplit: checkRate(
      '--validation-split',
      numeric('--validation-split', get('validation-split')) ?? 0.1,
    ),
    report: get('report') ?? null,
    l1: optional('--l1', get('l1'), { min: 0 }),
    l2: optional('--l2', get('l2'), { min: 0 }),
    weightDecay: optional('--weight-decay', get('weight-decay'), { min: 0, max: 1 }),
    dropout: optional('--dropout', get('dropout'), { min: 0, max: 1, maxInclusive: false }),
    dropconnect: optional('--dropconnect', get('dropconnect'), {
      min: 0,
      max: 1,
      maxInclusive: false,
    }),
    labelSmoothing: optional('--label-smoothing', get('label-smoothing'), { min: 0, max: 1 }),
    maxNorm: optional('--max-norm', get('max-norm'), { min: 0, minInclusive: false }),
    earlyStopping:
      get('early-stopping') === undefined ? null : parseEarlyStopping(get('early-stopping')!),
    augment: get('augment') ?? null,
    clipNorm: optional('--clip-norm', get('clip-norm'), { min: 0, minInclusive: false }),
    clipValue: optional('--clip-value', get('clip-value'), { min: 0, minInclusive: false }),
    diagnostics: values['no-diagnostics'] !== true,
  };
  // Parsed here only to reject a bad spec before anything runs; train() builds its own.
  if (config.augment !== null) parseAugmentationSpec(config.augment);
  if (config.report !== null && config.report.trim() === '')
    throw new UsageError('--report must be a directory path, got ""');
  return { kind: 'train', config };
}
