import { InvalidArgumentError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { testBackend } from '../../../../test/backend.js';
import { accuracyScore, f1Score, fbetaScore, precisionScore, recallScore } from './functions.js';

const T = [0, 1, 2, 2, 1, 0];
const P = [0, 2, 2, 1, 1, 1];
// By hand: tp = [1, 1, 1], predicted = [1, 3, 2], support = [2, 2, 2].

describe(`pure classification metrics [${testBackend}]`, () => {
  it('compute hand-checked values', async () => {
    const o = { numClasses: 3 } as const;
    expect(await accuracyScore(T, P)).toBe(0.5);
    expect(await precisionScore(T, P, { ...o, average: 'none' })).toEqual([1, 1 / 3, 0.5]);
    expect(await recallScore(T, P, { ...o, average: 'none' })).toEqual([0.5, 0.5, 0.5]);
    expect(await f1Score(T, P, { ...o, average: 'none' })).toEqual([2 / 3, 2 / 5, 1 / 2]);
    expect(await f1Score(T, P, o)).toBeCloseTo((2 / 3 + 2 / 5 + 1 / 2) / 3, 15);
    expect(await precisionScore(T, P, { ...o, average: 'micro' })).toBe(0.5);
    // beta = 0 is precision; F2 = 5 tp / (4 support + predicted).
    expect(await fbetaScore(T, P, { ...o, beta: 0, average: 'none' })).toEqual([1, 1 / 3, 0.5]);
    expect(await fbetaScore(T, P, { ...o, beta: 2, average: 'none' })).toEqual([
      5 / 9,
      5 / 11,
      5 / 10,
    ]);
  });

  it('agree between host arrays and tensors, and leak nothing', async () => {
    const t = tf.tensor1d(T, 'int32');
    const logits = tf.oneHot(tf.tensor1d(P, 'int32'), 3);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      expect(await accuracyScore(t, logits)).toBe(0.5);
      expect(await accuracyScore(t, logits, { numClasses: 3 })).toBe(0.5);
      expect(await f1Score(t, logits, { numClasses: 3, average: 'weighted' })).toBeCloseTo(
        (await f1Score(T, P, { numClasses: 3, average: 'weighted' })) as number,
        6,
      );
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([t, logits]);
  });

  it('accuracy without numClasses accepts any non-negative integer ids', async () => {
    expect(await accuracyScore([5, 7, 900], [5, 7, 1])).toBeCloseTo(2 / 3, 15);
    const t = tf.tensor1d([5, 7, 900], 'int32');
    expect(await accuracyScore(t, [5, 7, 1])).toBeCloseTo(2 / 3, 6);
    await expect(accuracyScore(t, [5, 7, 1], { numClasses: 10 })).rejects.toThrow(
      /yTrue class ids/,
    );
    await expect(accuracyScore([5, -7, 1], [5, 7, 1])).rejects.toThrow(
      /yTrue\[1\] must be a non-negative integer class id/,
    );
    t.dispose();
  });

  it('rejects bad options before any work', async () => {
    const bad: [() => Promise<unknown>, RegExp][] = [
      [
        () => precisionScore(T, P, { numClasses: 3, average: 'binary' as never }),
        /options\.average must be one of 'macro', 'micro', 'weighted', 'none', got "binary"/,
      ],
      [
        () => recallScore(T, P, { numClasses: 3, zeroDivision: 2 as never }),
        /options\.zeroDivision must be 0 or 1/,
      ],
      [() => f1Score(T, P, { numClasses: 3, beta: 2 } as never), /options\.beta/],
      [
        () => fbetaScore(T, P, { numClasses: 3, beta: -1 }),
        /options\.beta must be a number >= 0, got -1/,
      ],
      [() => fbetaScore(T, P, { numClasses: 3 } as never), /options\.beta/],
      [() => f1Score(T, P, undefined as never), /options must be an options object/],
      [() => f1Score(T, P, {} as never), /options\.numClasses/],
      [() => accuracyScore(T, P, { numClasses: 1 }), /options\.numClasses/],
      [() => accuracyScore(T, [0, 1]), /yPred length/],
      // Score rows over different class counts (one-hot targets vs 4-class logits).
      [
        () =>
          accuracyScore(
            [
              [1, 0, 0],
              [0, 1, 0],
            ],
            [
              [0.9, 0, 0, 0.1],
              [0, 1, 0, 0],
            ],
          ),
        /yPred scores per row must be equal to yTrue's \(3\).*got 4/,
      ],
    ];
    for (const [call, message] of bad) {
      await expect(call()).rejects.toThrow(message);
      await expect(call()).rejects.toBeInstanceOf(InvalidArgumentError);
    }
  });
});
