import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { parseCommandLine, type TrainConfig } from '../args.js';
import type { PreparedData } from './data.js';
import { buildModel } from './model.js';
import { describeConfig, runConfiguration } from './run-configuration.js';

function config(...argv: string[]): TrainConfig {
  const defaults: [string, string][] = [
    ['--hidden', '8'],
    ['--depth', '1'],
    ['--batch-size', '16'],
  ];
  const kept = defaults.filter(([flag]) => !argv.includes(flag)).flat();
  const command = parseCommandLine(['train', ...kept, ...argv]);
  if (command.kind !== 'train') throw new Error('train expected');
  return command.config;
}

/** Ten classes of noisy images, class k a bright band at rows 2k..2k+2; seeded; the caller disposes. */
function syntheticData(n = 160): PreparedData {
  const make = (count: number, seed: number) =>
    tf.tidy(() => {
      const labels = Array.from({ length: count }, (_, i) => i % 10);
      const y = tf.tensor1d(labels, 'int32');
      const band = tf.buffer([10, 28, 28, 1]);
      for (let k = 0; k < 10; k++)
        for (let r = 2 * k; r < 2 * k + 3; r++)
          for (let c = 0; c < 28; c++) band.set(2, k, r, c, 0);
      const noise = tf.randomNormal([count, 28, 28, 1], 0, 0.3, 'float32', seed);
      const x = noise.add(tf.gather(band.toTensor(), y));
      return { x, y };
    });
  const train = { ...make(n, 1), count: n };
  const validation = { ...make(40, 2), count: 40 };
  const test = { ...make(50, 3), count: 50 };
  return {
    dataset: 'mnist',
    train,
    validation,
    test,
    mean: 0,
    std: 1,
    dispose: () => tf.dispose([train.x, train.y, validation.x, validation.y, test.x, test.y]),
  };
}

const quiet = { out: () => undefined };

describe('runConfiguration', () => {
  it('returns the finished run as a RunRecord and leaks no tensor (twice in a row)', async () => {
    const data = syntheticData();
    try {
      const lines: string[] = [];
      const c = config('--epochs', '2', '--l1', '0.001', '--lr', '0.01');
      const first = await runConfiguration(c, { data, io: { out: (l) => lines.push(l) } });
      const before = tf.memory().numTensors;
      const second = await runConfiguration(c, { data, io: quiet });
      expect(tf.memory().numTensors).toBe(before);
      expect(first.status).toBe('complete');
      expect(first.partial).toBe(false);
      expect(first.name).toBe('l1=0.001');
      expect(first.epochs.map((e) => e.epoch)).toEqual([1, 2]);
      const e = first.epochs[1]!;
      // Data loss and penalty are reported apart; the objective is their sum.
      expect(e.penalty).toBeGreaterThan(0);
      expect(e.dataLoss! + e.penalty!).toBeCloseTo(e.loss!, 5);
      expect(e.macroF1).toBeGreaterThan(0.5);
      expect(e.valMacroF1).toBeGreaterThan(0.5);
      expect(first.test?.confusionMatrix?.flat().reduce((a, b) => a + b, 0)).toBe(50);
      expect(first.test?.classificationReport).toMatchObject({ accuracy: first.test?.accuracy });
      expect(first.summary?.weightNorm).toBeGreaterThan(0);
      expect(first.weightHistogram?.counts.reduce((a, b) => a + b, 0)).toBe(784 * 8);
      expect(
        lines.some((l) =>
          /^epoch 2\/2: data_loss \S+ {2}penalty \S+ {2}train_macro_f1 \S+ {2}val_loss /.test(l),
        ),
      ).toBe(true);
      // Same seed, same data, same result.
      expect(second.test).toEqual(first.test);
    } finally {
      data.dispose();
    }
  });

  it('an aborted signal returns the epochs finished, partial, with no test and no leak', async () => {
    const data = syntheticData();
    try {
      const before = tf.memory().numTensors;
      const controller = new AbortController();
      const run = await runConfiguration(config('--epochs', '5'), {
        data,
        io: quiet,
        signal: controller.signal,
        // Abort in the middle of epoch 2: the Trainer stops before its next batch.
        onProgress: (p) => {
          if (p.epoch === 1 && p.batch === 1) controller.abort();
        },
        interruptReason: () => 'interrupted (SIGINT)',
      });
      expect(tf.memory().numTensors).toBe(before);
      expect(run).toMatchObject({
        status: 'interrupted',
        partial: true,
        stopReason: 'interrupted (SIGINT)',
      });
      expect(run.epochs.map((e) => e.epoch)).toEqual([1]);
      expect(run.test).toBeUndefined();
    } finally {
      data.dispose();
    }
  });

  it('a non-finite loss ends the run with its reason instead of throwing, no leak', async () => {
    const data = syntheticData();
    try {
      const before = tf.memory().numTensors;
      const run = await runConfiguration(
        config(
          '--epochs',
          '3',
          '--optimizer',
          'sgd',
          '--lr',
          '10',
          '--init',
          'normal',
          '--l2',
          '1e30',
        ),
        {
          data,
          io: quiet,
        },
      );
      expect(tf.memory().numTensors).toBe(before);
      expect(run.status).toBe('non-finite');
      expect(run.partial).toBe(true);
      expect(run.stopReason).toMatch(/not finite at step \d+/);
      expect(run.test).toBeUndefined();
    } finally {
      data.dispose();
    }
  });

  it('trains with batch norm, layer norm and each optimizer', async () => {
    const data = syntheticData(40);
    try {
      for (const argv of [
        ['--batch-norm', '--optimizer', 'momentum'],
        ['--layer-norm', '--optimizer', 'rmsprop', '--init', 'glorot'],
        ['--optimizer', 'adamw', '--loss', 'mse'],
        ['--optimizer', 'sgd', '--init', 'lecun'],
      ]) {
        // A first run warms tfjs' caches (batch norm's keeps a constant); the second must not grow.
        await runConfiguration(config('--epochs', '1', ...argv), { data, io: quiet });
        const before = tf.memory().numTensors;
        const run = await runConfiguration(config('--epochs', '1', ...argv), { data, io: quiet });
        expect(tf.memory().numTensors, argv.join(' ')).toBe(before);
        expect(run.status, argv.join(' ')).toBe('complete');
        expect(Number.isFinite(run.test?.loss), argv.join(' ')).toBe(true);
        // --loss mse is on the softmax probabilities: sum_k (p_k - y_k)^2 <= 2 per sample, / K.
        if (argv.includes('mse')) expect(run.test!.loss).toBeLessThanOrEqual(2 / 10);
      }
    } finally {
      data.dispose();
    }
  });

  it('builds the course cnn (conv 32-64-128, dense 512, dropout) and normalization layers', () => {
    const cnn = buildModel(config('--model', 'cnn', '--init', 'he'), {});
    const bn = buildModel(config('--batch-norm', '--depth', '2'), {});
    const ln = buildModel(config('--layer-norm'), {});
    try {
      // 3,309,578 parameters: the figure @overfit/models documents for the course network.
      expect(cnn.countParams()).toBe(3_309_578);
      expect(cnn.layers.map((l) => l.name)).toContain('dense_1_dropout');
      expect(bn.layers.map((l) => l.name)).toEqual(
        expect.arrayContaining(['hidden_1_batch_norm', 'hidden_2_batch_norm']),
      );
      expect(ln.layers.map((l) => l.name)).toContain('hidden_1_layer_norm');
    } finally {
      for (const m of [cnn, bn, ln]) m.dispose();
    }
  });

  it('names configurations by what they change', () => {
    expect(describeConfig(config())).toBe('none');
    expect(describeConfig(config('--l2', '0.01', '--dropout', '0.15'))).toBe(
      'l2=0.01,dropout=0.15',
    );
  });
});
