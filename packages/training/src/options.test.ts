import { InvalidArgumentError, ShapeError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Trainer } from './index.js';
import type { TrainerArgs } from './options.js';
import { blobs, maxAbsDiff, mlp, weightValues } from './test-helpers.js';

let model: tf.Sequential;
let data: { x: tf.Tensor2D; y: tf.Tensor1D };
beforeAll(() => {
  model = mlp([2, 4, 3], 1);
  data = blobs(4, 3, 1);
});
afterAll(() => {
  model.dispose();
  tf.dispose(data);
});

const make = (extra: Partial<TrainerArgs>) =>
  new Trainer({ model, optimizer: tf.train.sgd(0.1), ...extra } as TrainerArgs);

describe('Trainer constructor validation', () => {
  it.each([
    ['model', { model: {} }, /model must be a tfjs-layers LayersModel/],
    ['optimizer', { optimizer: 0.1 }, /optimizer must be a tf.Optimizer/],
    [
      'loss',
      { loss: 'crossEntropy' },
      /loss must be one of 'softmaxCrossEntropy', 'categoricalCrossEntropy', 'meanSquaredError'/,
    ],
    ['numClasses', { numClasses: 1 }, /numClasses must be an integer >= 2, got 1/],
    ['penalties', { penalties: [{ name: 'x' }] }, /penalties\[0\] must be a PenaltyTerm/],
    ['constraints', { constraints: {} }, /constraints must be an array/],
    ['lossHook', { lossHook: 3 }, /lossHook must be a function/],
    ['augment', { augment: { name: 'a' } }, /augment must be a Transform/],
    ['seed', { seed: 1.5 }, /seed must be an integer/],
    ['unknown key', { lr: 0.1 }, /args.lr must be not set/],
  ])('rejects a bad %s', (_, extra, message) => {
    expect(() => make(extra as Partial<TrainerArgs>)).toThrow(InvalidArgumentError);
    expect(() => make(extra as Partial<TrainerArgs>)).toThrow(message);
  });

  it('rejects numClasses that disagrees with the model output', () => {
    expect(() => make({ numClasses: 4 })).toThrow(ShapeError);
  });

  it('draws a seed when none is given, and infers numClasses from the model', () => {
    const t = make({});
    expect(Number.isInteger(t.seed)).toBe(true);
    expect(t.numClasses).toBe(3);
    expect(make({ loss: 'meanSquaredError' }).numClasses).toBeUndefined();
  });
});

describe('fit validation: throws before any work', () => {
  const cases: Array<[string, () => { data: unknown; options: unknown }, RegExp]> = [
    [
      'epochs',
      () => ({ data, options: { epochs: 0 } }),
      /options.epochs must be an integer >= 1, got 0/,
    ],
    [
      'batchSize',
      () => ({ data, options: { epochs: 1, batchSize: 2.5 } }),
      /options.batchSize must be an integer >= 1/,
    ],
    [
      'initialEpoch',
      () => ({ data, options: { epochs: 2, initialEpoch: 2 } }),
      /options.initialEpoch must be an integer in \[0, 1\]/,
    ],
    [
      'shuffle',
      () => ({ data, options: { epochs: 1, shuffle: 'yes' } }),
      /options.shuffle must be true or false/,
    ],
    ['logEvery', () => ({ data, options: { epochs: 1, logEvery: 0 } }), /options.logEvery/],
    [
      'signal',
      () => ({ data, options: { epochs: 1, signal: {} } }),
      /options.signal must be an AbortSignal/,
    ],
    ['unknown option', () => ({ data, options: { epochs: 1, verbose: 1 } }), /options.verbose/],
    [
      'x',
      () => ({ data: { x: tf.zeros([12]), y: data.y }, options: { epochs: 1 } }),
      /data.x must be a live tensor of rank >= 2/,
    ],
    [
      'y dtype',
      () => ({ data: { x: data.x, y: tf.zeros([12]) }, options: { epochs: 1 } }),
      /data.y.dtype must be 'int32'/,
    ],
    [
      'y width',
      () => ({ data: { x: data.x, y: tf.zeros([12, 4]) }, options: { epochs: 1 } }),
      /data.y has 4 columns but numClasses is 3/,
    ],
    [
      'row counts',
      () => ({ data: { x: data.x, y: tf.zeros([5], 'int32') }, options: { epochs: 1 } }),
      /data.y has 5 rows but data.x has 12/,
    ],
    [
      'validation ids',
      () => ({
        data,
        options: { epochs: 1, validationData: { x: data.x, y: tf.fill([12], -1, 'int32') } },
      }),
      /options.validationData.y must be class ids in \[0, 2\]/,
    ],
  ];

  it.each(cases)(
    'rejects a bad %s, calling no callback and changing no weight',
    async (_, build, message) => {
      const calls: string[] = [];
      const trainer = make({ callbacks: [{ onTrainBegin: () => void calls.push('trainBegin') }] });
      const before = weightValues(model);
      const { data: d, options } = build();
      await expect(trainer.fit(d as never, options as never)).rejects.toThrow(message);
      expect(calls).toEqual([]);
      expect(maxAbsDiff(weightValues(model), before)).toBe(0);
    },
  );

  it('needs numClasses for class ids with a non-classification loss', async () => {
    const trainer = make({ loss: 'meanSquaredError' });
    await expect(trainer.fit(data, { epochs: 1 })).rejects.toThrow(/numClasses must be set/);
  });
});

describe('evaluate / predict / model validation', () => {
  it('predict and evaluate check their arguments', async () => {
    const trainer = make({});
    const flat = tf.zeros([3]);
    expect(() => trainer.predict(flat)).toThrow(
      /x must be a live tensor \[N >= 1, \.\.\.features\], got "a tensor of shape \[3\]"/,
    );
    expect(() => trainer.predict(data.x, { batchSize: 0 })).toThrow(InvalidArgumentError);
    await expect(trainer.evaluate(data, { batchSize: -1 })).rejects.toThrow(/options.batchSize/);
    flat.dispose();
  });

  it('a fully frozen model has nothing to train', async () => {
    const frozen = mlp([2, 4, 3], 2);
    frozen.trainable = false;
    const trainer = new Trainer({ model: frozen, optimizer: tf.train.sgd(0.1) });
    await expect(trainer.fit(data, { epochs: 1 })).rejects.toThrow(
      /model must be a model with at least one trainable weight/,
    );
    frozen.dispose();
  });
});
