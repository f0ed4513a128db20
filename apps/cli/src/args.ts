import { parseAugmentationSpec } from '@overfit/augmentation';
import {
  checkInteger,
  checkNumber,
  checkOneOf,
  checkRate,
  InvalidArgumentError,
  OverfitError,
} from '@overfit/core';
import { type CompareRun, parseRunsSpec } from './compare-config.js';
import { bareKey, parseKeyValueSpec } from './spec.js';

/** Activations `--activation` accepts (those of core's `mlp`). */
export const ACTIVATIONS = ['relu', 'leakyRelu', 'elu', 'tanh', 'sigmoid', 'softplus'] as const;
/** Backends `--backend` accepts; `auto` tries them in this order. */
export const BACKENDS = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
/** Models `--model` accepts. */
export const MODELS = ['mlp', 'cnn'] as const;
/** Optimizers `--optimizer` accepts. */
export const OPTIMIZERS = ['adam', 'adamw', 'sgd', 'momentum', 'rmsprop'] as const;
/** Initializers `--init` accepts (glorot uniform, he normal, lecun normal, normal(0, 0.05)). */
export const INITS = ['glorot', 'he', 'lecun', 'normal'] as const;
/** Losses `--loss` accepts. */
export const LOSSES = ['crossentropy', 'mse'] as const;
/** Data sets `--dataset` accepts. */
export const DATASETS = ['mnist', 'fashion-mnist'] as const;

/** Everything `overfit train` was asked to do, validated. Recorded as the report's `config`. */
export interface TrainConfig {
  model: (typeof MODELS)[number];
  dataset: (typeof DATASETS)[number];
  optimizer: (typeof OPTIMIZERS)[number];
  /** null: the model's default (He for the ReLU family, else Glorot). */
  init: (typeof INITS)[number] | null;
  loss: (typeof LOSSES)[number];
  batchNorm: boolean;
  layerNorm: boolean;
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

/** What `overfit compare` was asked to do. */
export interface CompareCommand {
  /** Shared by every configuration (seed, topology, learning rate, data, epochs, ...). */
  base: TrainConfig;
  /** From `--runs`, `--config` (read later, see compare-config) or the course's four. */
  runs: CompareRun[] | null;
  configFile: string | null;
  resume: string | null;
  quiet: boolean;
  json: boolean;
}

export type Command =
  | { kind: 'help'; text: string }
  | { kind: 'version' }
  | { kind: 'train'; config: TrainConfig }
  | { kind: 'compare'; compare: CompareCommand }
  | { kind: 'doctor' };

/**
 * A bad command line: each problem is one line (`problems`), printed with `overfit: ` in
 * front; exit code 2.
 */
export class UsageError extends OverfitError {
  readonly problems: string[];
  constructor(problems: string | string[]) {
    const list = Array.isArray(problems) ? problems : [problems];
    super(list.join('\n'));
    this.problems = list;
  }
}

export const USAGE = `usage: overfit train [options]
       overfit compare [options] [--runs SPEC | --config FILE.json] [--resume DIR] [--quiet] [--json]
       overfit doctor        backends that load here and why not, kernels, data sets found
       overfit sweep|worker  grids of trainings on local processes or through Redis (see overfit sweep --help)

train: one model on real MNIST (or Fashion-MNIST): per-epoch data loss, penalty, train and
validation macro-F1, then the test macro-F1 and accuracy.

compare: several configurations with the same seed, initial weights, batch order, topology and
learning rate (default the course's four: none, l1=0.001, l2=0.01, dropout=0.15), then
DIR/report.html (charts, offline), DIR/metrics.json and DIR/summary.csv.

options (train and compare; numbers in plain decimal, each flag once):
  --model NAME          ${MODELS.join(' | ')} (default mlp; cnn = the course's CNN: 3x3 convs
                        32/64/128 with max-pooling, dense 512, dropout 0.5)
  --dataset NAME        ${DATASETS.join(' | ')} (default mnist; Fashion-MNIST from Debian's
                        dataset-fashion-mnist)
  --epochs N            epochs (default 5)
  --batch-size N        mini-batch size (default 128)
  --optimizer NAME      ${OPTIMIZERS.join(' | ')} (default adam; momentum 0.9)
  --lr X                learning rate (default 0.001)
  --init NAME           ${INITS.join(' | ')} (default he for the ReLU family, else glorot)
  --loss NAME           ${LOSSES.join(' | ')} (default crossentropy; mse: squared error of the
                        softmax probabilities against the one-hot labels)
  --hidden N            units per hidden layer, mlp (default 256)
  --depth N             hidden layers, mlp (default 3)
  --batch-norm          batch normalization after each hidden layer (mlp)
  --layer-norm          layer normalization after each hidden layer (mlp)
  --activation NAME     ${ACTIVATIONS.join(' | ')} (default relu)
  --seed N              seed of init, shuffling, dropout and augmentation (default 1)
  --backend NAME        ${BACKENDS.join(' | ')} (default auto: tensorflow, webgpu on a
                        hardware adapter, wasm, cpu; webgpu forced also runs on a software one)
  --limit N             use only the first N training images (default all 60000)
  --validation-split X  fraction of the training images held out (default 0.1)
  --report DIR          write DIR/report.html, DIR/metrics.json, DIR/summary.csv (compare:
                        default ./overfit-compare)

regularization (all off by default; with compare they apply to every configuration):
  --l1 X                L1 penalty lambda * sum|w| on kernels (biases excluded)
  --l2 X                L2 penalty lambda * sum w^2 on kernels
  --weight-decay X      decoupled weight decay (AdamW): w <- w - lr * X * w
  --dropout P           inverted dropout after each hidden layer, P in [0, 1)
  --dropconnect P       DropConnect: drop hidden-layer weights with probability P (mlp)
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
                        (rotation 10 deg, translation 0.1, brightness/contrast 0.2). The
                        transforms see pixels in [0, 1]; standardization is applied after them.

compare only:
  --runs SPEC           configurations, ';' between them, e.g. "none;l2=0.01;dropout=0.15"
                        (keys: name, l1, l2, dropout, dropconnect, weight-decay,
                        label-smoothing, max-norm)
  --config FILE.json    { "configurations": [{ "name": "l2", "l2": 0.01 }, ...] } (keys as
                        in --runs, camelCase or dashed; "augment": "SPEC" too)
  --resume DIR          skip configurations already complete in DIR/metrics.json (and write
                        the report there unless --report is given)
  --quiet               no progress or per-epoch lines (for CI); the final table only
  --json                print the final metrics.json on stdout (everything else on stderr)

  -h, --help            this text
  --version             the CLI's version

Ctrl-C (or SIGTERM) stops at the next batch and writes the report of the epochs finished
(partial: true), exit 130 (143); a second Ctrl-C quits at once.`;

type Kind = 'string' | 'boolean';

const TRAIN_OPTIONS: Record<string, Kind> = {
  model: 'string',
  dataset: 'string',
  optimizer: 'string',
  init: 'string',
  loss: 'string',
  'batch-norm': 'boolean',
  'layer-norm': 'boolean',
  epochs: 'string',
  'batch-size': 'string',
  lr: 'string',
  hidden: 'string',
  depth: 'string',
  activation: 'string',
  seed: 'string',
  backend: 'string',
  limit: 'string',
  'validation-split': 'string',
  report: 'string',
  l1: 'string',
  l2: 'string',
  'weight-decay': 'string',
  dropout: 'string',
  dropconnect: 'string',
  'label-smoothing': 'string',
  'max-norm': 'string',
  'early-stopping': 'string',
  augment: 'string',
  'clip-norm': 'string',
  'clip-value': 'string',
  'no-diagnostics': 'boolean',
};

const COMPARE_OPTIONS: Record<string, Kind> = {
  ...TRAIN_OPTIONS,
  runs: 'string',
  config: 'string',
  resume: 'string',
  quiet: 'boolean',
  json: 'boolean',
};

const COMMANDS = ['train', 'compare', 'doctor'] as const;
/** Every command, as named in refusals (`sweep` and `worker` are parsed by sweep/). */
const COMMAND_NAMES = "'train', 'compare', 'doctor', 'sweep' or 'worker'";
const OPTIONS_OF: Record<(typeof COMMANDS)[number], Record<string, Kind>> = {
  train: TRAIN_OPTIONS,
  compare: COMPARE_OPTIONS,
  doctor: {},
};

/** Flags as given: each at most once. */
type Values = Map<string, string | true>;

const isFlag = (token: string) => token.startsWith('--') && token.length > 2;

/**
 * Splits argv into the command and its flags, collecting every problem (unknown flag,
 * repeated flag, missing value) as one line each. A flag's value is the next token even when
 * it starts with `-`, so `--epochs -1` reaches the range check.
 */
function tokenize(argv: readonly string[]): {
  command: string | undefined;
  values: Values;
  help: boolean;
  version: boolean;
  problems: string[];
} {
  const problems: string[] = [];
  const values: Values = new Map();
  const positionals: string[] = [];
  let help = false;
  let version = false;
  const pending: [string, string | undefined][] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '-h' || token === '--help') {
      help = true;
      continue;
    }
    if (token === '--version') {
      version = true;
      continue;
    }
    if (token === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!isFlag(token)) {
      if (token.startsWith('-') && token !== '-')
        problems.push(`unknown option ${JSON.stringify(token)} (options are spelled --name)`);
      else positionals.push(token);
      continue;
    }
    const eq = token.indexOf('=');
    const name = eq === -1 ? token.slice(2) : token.slice(2, eq);
    const inline = eq === -1 ? undefined : token.slice(eq + 1);
    const kind = COMPARE_OPTIONS[name];
    if (kind === 'string' && inline === undefined) {
      const next = argv[i + 1];
      // The next token is the value unless it is itself a known option (`--report --epochs`).
      if (next === undefined || (isFlag(next) && next.slice(2).split('=')[0]! in COMPARE_OPTIONS)) {
        problems.push(`--${name} needs a value`);
        continue;
      }
      i++;
      pending.push([name, next]);
    } else pending.push([name, inline]);
  }
  const [command, ...rest] = positionals;
  for (const extra of rest) problems.push(`unexpected argument ${JSON.stringify(extra)}`);
  const known =
    command !== undefined && (COMMANDS as readonly string[]).includes(command)
      ? OPTIONS_OF[command as (typeof COMMANDS)[number]]
      : COMPARE_OPTIONS;
  for (const [name, value] of pending) {
    const kind = known[name];
    if (kind === undefined && command === 'doctor') {
      problems.push(`doctor takes no options, got --${name}`);
      continue;
    }
    if (kind === undefined) {
      const where = command === undefined || !(name in COMPARE_OPTIONS) ? '' : ` for ${command}`;
      problems.push(`unknown option --${name}${where} (see overfit --help)`);
      continue;
    }
    if (values.has(name)) {
      problems.push(`--${name} is given more than once; give it once`);
      continue;
    }
    if (kind === 'boolean') {
      if (value !== undefined)
        problems.push(`--${name} takes no value, got ${JSON.stringify(value)}`);
      values.set(name, true);
    } else values.set(name, value!);
  }
  return { command, values, help, version, problems };
}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A number as written in decimal (`0.001`, `1e-3`, `-1`); refuses `0x10`, `' 3 '`, `Infinity`. */
export function strictNumber(flag: string, raw: string): number {
  if (!DECIMAL.test(raw))
    throw new InvalidArgumentError(flag, raw, 'a decimal number (no spaces, no hex)');
  return Number(raw);
}

/** An integer as written in decimal (`5`, `-1`); `2.5` reaches checkInteger and is refused there. */
export function strictInteger(flag: string, raw: string): number {
  if (!INTEGER.test(raw) && !DECIMAL.test(raw))
    throw new InvalidArgumentError(flag, raw, 'a decimal integer (no spaces, no hex)');
  return Number(raw);
}

const EARLY_STOPPING_EXAMPLES: Record<string, string> = {
  monitor: 'valMacroF1',
  patience: '5',
  'min-delta': '0.001',
  mode: 'max',
};

function parseEarlyStopping(text: string): EarlyStoppingFlag {
  const flag = '--early-stopping';
  const spec = parseKeyValueSpec(flag, text, [
    'monitor',
    'patience',
    'min-delta',
    'mode',
    'restore',
  ]);
  // A bare key (`patience`) is a switch to the spec parser; only `restore` is one.
  for (const key of ['monitor', 'patience', 'min-delta', 'mode'])
    if (spec.get(key) === true) throw new UsageError(bareKey(flag, key, EARLY_STOPPING_EXAMPLES));
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
  const number = (key: string, fallback: number) => {
    const raw = spec.get(key);
    if (raw === undefined) return fallback;
    if (raw === true) throw new InvalidArgumentError(`${flag} ${key}`, raw, 'a number');
    return strictNumber(`${flag} ${key}`, raw);
  };
  return {
    monitor,
    patience: checkInteger(`${flag} patience`, number('patience', 5), { min: 0 }),
    minDelta: checkNumber(`${flag} min-delta`, number('min-delta', 0), { min: 0 }),
    mode: checkOneOf(`${flag} mode`, spec.get('mode') ?? 'auto', ['auto', 'min', 'max'] as const),
    restoreBestWeights: restore === true || restore === 'true',
  };
}

/** Runs each field's parser, collecting every failure as one line. */
class Collector {
  readonly problems: string[] = [];
  field<T>(parse: () => T, fallback: T): T {
    try {
      return parse();
    } catch (error) {
      const listed = (error as { problems?: unknown }).problems;
      if (Array.isArray(listed)) this.problems.push(...(listed as string[]));
      else {
        const message = error instanceof Error ? error.message : String(error);
        this.problems.push(message.split('\n')[0]!);
      }
      return fallback;
    }
  }
}

function parseTrainConfig(values: Values, c: Collector): TrainConfig {
  const str = (flag: string) => values.get(flag) as string | undefined;
  const int = (flag: string, fallback: number, range: Parameters<typeof checkInteger>[2]) =>
    c.field(() => {
      const raw = str(flag);
      return raw === undefined
        ? fallback
        : checkInteger(`--${flag}`, strictInteger(`--${flag}`, raw), range);
    }, fallback);
  const num = (flag: string, fallback: number, range: Parameters<typeof checkNumber>[2]) =>
    c.field(() => {
      const raw = str(flag);
      return raw === undefined
        ? fallback
        : checkNumber(`--${flag}`, strictNumber(`--${flag}`, raw), range);
    }, fallback);
  const optional = (flag: string, range: Parameters<typeof checkNumber>[2]) =>
    c.field(() => {
      const raw = str(flag);
      return raw === undefined
        ? null
        : checkNumber(`--${flag}`, strictNumber(`--${flag}`, raw), range);
    }, null);
  const oneOf = <T extends string>(flag: string, fallback: T, allowed: readonly T[]) =>
    c.field(() => checkOneOf(`--${flag}`, str(flag) ?? fallback, allowed), fallback);
  const report = c.field(() => {
    const raw = str('report');
    if (raw !== undefined && raw.trim() === '')
      throw new UsageError(`--report must be a directory path, got ${JSON.stringify(raw)}`);
    return raw ?? null;
  }, null);
  const augment = c.field(() => {
    const raw = str('augment');
    // Parsed here only to reject a bad spec before anything runs; the run builds its own.
    if (raw !== undefined)
      try {
        parseAugmentationSpec(raw);
      } catch (error) {
        // The spec parser does not know which flag it came from.
        throw new UsageError(`--augment: ${(error as Error).message.split('\n')[0]}`);
      }
    return raw ?? null;
  }, null);
  return {
    model: oneOf('model', 'mlp', MODELS),
    dataset: oneOf('dataset', 'mnist', DATASETS),
    optimizer: oneOf('optimizer', 'adam', OPTIMIZERS),
    init: c.field(
      () => (str('init') === undefined ? null : checkOneOf('--init', str('init'), INITS)),
      null,
    ),
    loss: oneOf('loss', 'crossentropy', LOSSES),
    batchNorm: values.get('batch-norm') === true,
    layerNorm: values.get('layer-norm') === true,
    epochs: int('epochs', 5, { min: 1, max: 10_000 }),
    batchSize: int('batch-size', 128, { min: 1, max: 60_000 }),
    lr: num('lr', 1e-3, { min: 0, minInclusive: false, max: 10 }),
    hidden: int('hidden', 256, { min: 1, max: 65_536 }),
    depth: int('depth', 3, { min: 1, max: 100 }),
    activation: oneOf('activation', 'relu', ACTIVATIONS),
    seed: int('seed', 1, { min: 0, max: 2 ** 31 - 1 }),
    backend: oneOf('backend', 'auto', BACKENDS),
    limit: c.field(() => {
      const raw = str('limit');
      return raw === undefined
        ? null
        : checkInteger('--limit', strictInteger('--limit', raw), { min: 1, max: 60_000 });
    }, null),
    validationSplit: c.field(() => {
      const raw = str('validation-split');
      return raw === undefined
        ? 0.1
        : checkRate('--validation-split', strictNumber('--validation-split', raw));
    }, 0.1),
    report,
    l1: optional('l1', { min: 0 }),
    l2: optional('l2', { min: 0 }),
    weightDecay: optional('weight-decay', { min: 0, max: 1 }),
    dropout: optional('dropout', { min: 0, max: 1, maxInclusive: false }),
    dropconnect: optional('dropconnect', { min: 0, max: 1, maxInclusive: false }),
    labelSmoothing: optional('label-smoothing', { min: 0, max: 1 }),
    maxNorm: optional('max-norm', { min: 0, minInclusive: false }),
    earlyStopping: c.field(() => {
      const raw = str('early-stopping');
      return raw === undefined ? null : parseEarlyStopping(raw);
    }, null),
    augment,
    clipNorm: optional('clip-norm', { min: 0, minInclusive: false }),
    clipValue: optional('clip-value', { min: 0, minInclusive: false }),
    diagnostics: values.get('no-diagnostics') !== true,
  };
}

/**
 * Parses `overfit <command> [options]`. Throws {@link UsageError} (one line per problem,
 * each naming the flag, the value and what is allowed) before anything runs.
 */
export function parseCommandLine(argv: readonly string[]): Command {
  const { command, values, help, version, problems } = tokenize(argv);
  if (help) return { kind: 'help', text: USAGE };
  if (version) return { kind: 'version' };
  if (command === undefined)
    throw new UsageError([
      `missing command: expected ${COMMAND_NAMES} (see overfit --help)`,
      ...problems,
    ]);
  if (!(COMMANDS as readonly string[]).includes(command))
    throw new UsageError(`unknown command ${JSON.stringify(command)}: expected ${COMMAND_NAMES}`);
  if (command === 'doctor') {
    if (problems.length > 0) throw new UsageError(problems);
    return { kind: 'doctor' };
  }
  const c = new Collector();
  c.problems.push(...problems);
  const config = parseTrainConfig(values, c);
  if (command === 'train') {
    if (c.problems.length > 0) throw new UsageError(c.problems);
    return { kind: 'train', config };
  }
  const runsSpec = values.get('runs') as string | undefined;
  const configFile = (values.get('config') as string | undefined) ?? null;
  if (runsSpec !== undefined && configFile !== null)
    c.problems.push('--runs and --config both name the configurations; give one of them');
  const runs = runsSpec === undefined ? null : c.field(() => parseRunsSpec(runsSpec), null);
  const resume = (values.get('resume') as string | undefined) ?? null;
  if (resume !== null && resume.trim() === '')
    c.problems.push('--resume must be a directory path, got ""');
  if (c.problems.length > 0) throw new UsageError(c.problems);
  return {
    kind: 'compare',
    compare: {
      base: { ...config, report: config.report ?? resume ?? 'overfit-compare' },
      runs,
      configFile,
      resume,
      quiet: values.get('quiet') === true,
      json: values.get('json') === true,
    },
  };
}
