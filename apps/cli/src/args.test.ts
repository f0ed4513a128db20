import { describe, expect, it } from 'vitest';
import { parseCommandLine, UsageError } from './args.js';

describe('overfit command line', () => {
  it('uses the documented defaults', () => {
    const command = parseCommandLine(['train']);
    expect(command).toEqual({
      kind: 'train',
      config: {
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
      },
    });
  });

  it('reads every flag', () => {
    const command = parseCommandLine(
      'train --epochs 2 --batch-size 64 --lr 0.01 --hidden 100 --depth 2 --activation tanh --seed 7 --backend cpu --limit 500 --validation-split 0.2 --report out'.split(' '),
    );
    expect(command.kind === 'train' && command.config).toMatchObject({ epochs: 2, batchSize: 64, lr: 0.01, hidden: 100, depth: 2, activation: 'tanh', seed: 7, backend: 'cpu', limit: 500, validationSplit: 0.2, report: 'out' });
  });

  it.each([
    [['train', '--epochs', '0'], '--epochs must be an integer in [1, 10000], got 0'],
    [['train', '--epochs', 'two'], '--epochs must be a number, got "two"'],
    [['train', '--lr=-1'], '--lr must be a number in (0, 10], got -1'],
    [['train', '--activation', 'gelu'], "--activation must be one of 'relu', 'leakyRelu', 'elu', 'tanh', 'sigmoid', 'softplus', got \"gelu\""],
    [['train', '--backend', 'webgl'], "--backend must be one of 'auto', 'tensorflow', 'wasm', 'cpu', got \"webgl\""],
    [['train', '--validation-split', '1'], '--validation-split must be a number in [0, 1), got 1'],
    [['train', '--bogus'], "Unknown option '--bogus'"],
    [['fit'], 'unknown command "fit"'],
    [[], 'missing command'],
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

  it('prints help', () => {
    expect(parseCommandLine(['--help']).kind).toBe('help');
  });
});
