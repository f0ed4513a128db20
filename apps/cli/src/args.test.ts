import { describe, expect, it } from 'vitest';
import { parseCommandLine, USAGE, UsageError } from './args.js';

describe('overfit command line', () => {
  it('uses the documented defaults', () => {
    const command = parseCommandLine(['train']);
    expect(command).toEqual({
      kind: 'train',
      config: {
        model: 'mlp',
        dataset: 'mnist',
        optimizer: 'adam',
        init: null,
        loss: 'crossentropy',
        batchNorm: false,
        layerNorm: false,
        epochs: 5,
        batchSize: 128,
        lr: 0.001,
        hidden: 256,
        depth: 3,
        activation: 'relu',
        seed: 1,
        backend: 'auto',
        limit: null,
        validationSplit: 0.1,
        report: null,
        l1: null,
        l2: null,
        weightDecay: null,
        dropout: null,
        dropconnect: null,
        labelSmoothing: null,
        maxNorm: null,
        earlyStopping: null,
        augment: null,
        clipNorm: null,
        clipValue: null,
        diagnostics: true,
      },
    });
  });

  it('reads every flag', () => {
    const command = parseCommandLine(
      'train --epochs 2 --batch-size 64 --lr 0.01 --hidden 100 --depth 2 --activation tanh --seed 7 --backend cpu --limit 500 --validation-split 0.2 --report out'.split(
        ' ',
      ),
    );
    expect(command.kind === 'train' && command.config).toMatchObject({
      epochs: 2,
      batchSize: 64,
      lr: 0.01,
      hidden: 100,
      depth: 2,
      activation: 'tanh',
      seed: 7,
      backend: 'cpu',
      limit: 500,
      validationSplit: 0.2,
      report: 'out',
    });
  });

  it.each([
    [['train', '--epochs', '0'], '--epochs must be an integer in [1, 10000], got 0'],
    [
      ['train', '--epochs', 'two'],
      '--epochs must be a decimal integer (no spaces, no hex), got "two"',
    ],
    [['train', '--epochs', '-1'], '--epochs must be an integer in [1, 10000], got -1'],
    [
      ['train', '--epochs', '0x10'],
      '--epochs must be a decimal integer (no spaces, no hex), got "0x10"',
    ],
    [
      ['train', '--epochs', ' 3 '],
      '--epochs must be a decimal integer (no spaces, no hex), got " 3 "',
    ],
    [['train', '--epochs', '2.5'], '--epochs must be an integer in [1, 10000], got 2.5'],
    [
      ['train', '--lr', 'Infinity'],
      '--lr must be a decimal number (no spaces, no hex), got "Infinity"',
    ],
    [['train', '--lr', '-1'], '--lr must be a number in (0, 10], got -1'],
    [['train', '--l2', '-1'], '--l2 must be a number >= 0, got -1'],
    [['train', '--epochs', '1', '--epochs', '2'], '--epochs is given more than once; give it once'],
    [['train', '--epochs'], '--epochs needs a value'],
    [['train', '--report', '--epochs', '2'], '--report needs a value'],
    [['train', '--quiet'], 'unknown option --quiet for train (see overfit --help)'],
    [['train', '--batch-norm=yes'], '--batch-norm takes no value, got "yes"'],
    [['train', '-x'], 'unknown option "-x" (options are spelled --name)'],
    [['train', 'extra'], 'unexpected argument "extra"'],
    [['train', '--model', 'resnet'], "--model must be one of 'mlp', 'cnn', got \"resnet\""],
    [
      ['train', '--optimizer', 'lbfgs'],
      "--optimizer must be one of 'adam', 'adamw', 'sgd', 'momentum', 'rmsprop', got \"lbfgs\"",
    ],
    [
      ['train', '--init', 'xavier'],
      "--init must be one of 'glorot', 'he', 'lecun', 'normal', got \"xavier\"",
    ],
    [['train', '--loss', 'hinge'], "--loss must be one of 'crossentropy', 'mse', got \"hinge\""],
    [
      ['train', '--dataset', 'cifar10'],
      "--dataset must be one of 'mnist', 'fashion-mnist', got \"cifar10\"",
    ],
    [['train', '--lr=-1'], '--lr must be a number in (0, 10], got -1'],
    [
      ['train', '--activation', 'gelu'],
      "--activation must be one of 'relu', 'leakyRelu', 'elu', 'tanh', 'sigmoid', 'softplus', got \"gelu\"",
    ],
    [
      ['train', '--backend', 'webgl'],
      "--backend must be one of 'auto', 'tensorflow', 'webgpu', 'wasm', 'cpu', got \"webgl\"",
    ],
    [['train', '--validation-split', '1'], '--validation-split must be a number in [0, 1), got 1'],
    [['train', '--bogus'], 'unknown option --bogus (see overfit --help)'],
    [['fit'], `unknown command "fit": expected 'train', 'compare', 'doctor', 'sweep' or 'worker'`],
    [[], `missing command: expected 'train', 'compare', 'doctor', 'sweep' or 'worker'`],
  ])('rejects %j with one clear line', (argv, message) => {
    let caught: unknown;
    try {
      parseCommandLine(argv);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as Error).message).toContain(message);
    expect((caught as Error).message).not.toContain('\n');
  });

  it('reads regularization and early-stopping flags', () => {
    const command = parseCommandLine(
      'train --l1 0.001 --l2 0.01 --weight-decay 0.0001 --dropout 0.15 --dropconnect 0.2 --label-smoothing 0.1 --max-norm 3 --early-stopping patience=3,monitor=valMacroF1,restore'.split(
        ' ',
      ),
    );
    expect(command.kind === 'train' && command.config).toMatchObject({
      l1: 0.001,
      l2: 0.01,
      weightDecay: 0.0001,
      dropout: 0.15,
      dropconnect: 0.2,
      labelSmoothing: 0.1,
      maxNorm: 3,
      earlyStopping: {
        monitor: 'valMacroF1',
        patience: 3,
        minDelta: 0,
        mode: 'auto',
        restoreBestWeights: true,
      },
    });
  });

  it.each([
    [['train', '--dropout', '1'], '--dropout must be a number in [0, 1), got 1'],
    [['train', '--l2=-0.1'], '--l2 must be a number >= 0, got -0.1'],
    [
      ['train', '--early-stopping', 'patience=2,wait=3'],
      '--early-stopping must be a list of monitor, patience, min-delta, mode, restore (unknown key "wait")',
    ],
    [['train', '--augment', 'rotate(15),spin(2)'], '--augment: augmentation spec must be'],
    [
      ['train', '--early-stopping', 'patience=-1'],
      '--early-stopping patience must be an integer >= 0, got -1',
    ],
    [
      ['train', '--early-stopping', 'patience,restore'],
      '--early-stopping patience needs a value, e.g. patience=5',
    ],
    [['compare', '--runs', 'none;l2'], '--runs configuration 2 l2 needs a value, e.g. l2=0.01'],
    [['compare', '--runs', 'name'], '--runs configuration 1 name needs a value, e.g. name=ridge'],
    [
      ['train', '--early-stopping', 'mode=up'],
      "--early-stopping mode must be one of 'auto', 'min', 'max', got \"up\"",
    ],
  ])('rejects the regularization flags %j', (argv, message) => {
    expect(() => parseCommandLine(argv)).toThrow(message);
  });

  it('reads gradient flags', () => {
    const command = parseCommandLine(
      'train --clip-norm 1 --clip-value 0.5 --no-diagnostics'.split(' '),
    );
    expect(command.kind === 'train' && command.config).toMatchObject({
      clipNorm: 1,
      clipValue: 0.5,
      diagnostics: false,
    });
    expect(() => parseCommandLine(['train', '--clip-norm', '0'])).toThrow(
      '--clip-norm must be a number > 0, got 0',
    );
  });

  it('accepts an augmentation spec or preset', () => {
    for (const spec of ['rotate(15),translate(0.1),erase(0.5)', 'mnist']) {
      const command = parseCommandLine(['train', '--augment', spec]);
      expect(command.kind === 'train' && command.config.augment).toBe(spec);
    }
  });

  it('prints help', () => {
    expect(parseCommandLine(['--help']).kind).toBe('help');
  });

  it('--version is a command of its own, not an unknown option', () => {
    expect(parseCommandLine(['--version'])).toEqual({ kind: 'version' });
  });

  it('help describes --loss mse as the run computes it (softmax probabilities vs one-hot)', () => {
    expect(USAGE).not.toMatch(/mse on logits/);
    expect(USAGE).toMatch(/mse: squared error of the\s+softmax probabilities against the one-hot/);
  });
});

describe('several problems at once', () => {
  it('reports each on its own line, in the order given', () => {
    let caught: unknown;
    try {
      parseCommandLine([
        'train',
        '--epochs',
        '-1',
        '--bogus',
        '--lr=0x1',
        '--l1',
        '1',
        '--l1',
        '2',
      ]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as UsageError).problems).toEqual([
      'unknown option --bogus (see overfit --help)',
      '--l1 is given more than once; give it once',
      '--epochs must be an integer in [1, 10000], got -1',
      '--lr must be a decimal number (no spaces, no hex), got "0x1"',
    ]);
  });
});

describe('course options', () => {
  it('reads model, data set, optimizer, init, loss and normalization flags', () => {
    const command = parseCommandLine(
      'train --model cnn --dataset fashion-mnist --optimizer rmsprop --init lecun --loss mse --layer-norm --lr 1e-3'.split(
        ' ',
      ),
    );
    expect(command.kind === 'train' && command.config).toMatchObject({
      model: 'cnn',
      dataset: 'fashion-mnist',
      optimizer: 'rmsprop',
      init: 'lecun',
      loss: 'mse',
      layerNorm: true,
      batchNorm: false,
      lr: 0.001,
    });
  });
});

describe('overfit compare', () => {
  it('defaults: the course four (runs null), report ./overfit-compare', () => {
    const command = parseCommandLine(['compare', '--epochs', '2']);
    expect(command).toMatchObject({
      kind: 'compare',
      compare: { runs: null, configFile: null, resume: null, quiet: false, json: false },
    });
    expect(command.kind === 'compare' && command.compare.base).toMatchObject({
      epochs: 2,
      report: 'overfit-compare',
    });
  });

  it('reads --runs, --resume (the report goes there), --quiet and --json', () => {
    const command = parseCommandLine([
      'compare',
      '--runs',
      'none;l2=0.01,name=ridge',
      '--resume',
      'old',
      '--quiet',
      '--json',
    ]);
    expect(command.kind === 'compare' && command.compare).toMatchObject({
      runs: [
        { name: 'none', overrides: {} },
        { name: 'ridge', overrides: { l2: 0.01 } },
      ],
      resume: 'old',
      quiet: true,
      json: true,
      base: { report: 'old' },
    });
  });

  it('refuses --runs and --config together, and bad --runs entries one line each', () => {
    expect(() => parseCommandLine(['compare', '--runs', 'none', '--config', 'x.json'])).toThrow(
      '--runs and --config both name the configurations; give one of them',
    );
    let caught: unknown;
    try {
      parseCommandLine(['compare', '--runs', 'l2=-1;foo=1;dropout=0x1;none;none']);
    } catch (error) {
      caught = error;
    }
    expect((caught as UsageError).problems).toEqual([
      '--runs configuration 1 l2 must be a number >= 0, got -1',
      '--runs configuration 2 must be a list of name, l1, l2, dropout, dropconnect, weight-decay, label-smoothing, max-norm (unknown key "foo"), got "foo=1"',
      '--runs configuration 3 dropout must be a number in [0, 1) in decimal, got "0x1"',
      '--runs: two configurations are named "none"; names must differ',
    ]);
  });
});

describe('overfit doctor', () => {
  it('takes no options', () => {
    expect(parseCommandLine(['doctor'])).toEqual({ kind: 'doctor' });
    expect(() => parseCommandLine(['doctor', '--epochs', '2'])).toThrow(
      'doctor takes no options, got --epochs',
    );
  });
});
