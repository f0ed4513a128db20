import { InvalidArgumentError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it, vi } from 'vitest';
import { testBackend } from '../../../../test/backend.js';
import { ConfusionMatrix, confusionMatrix } from './confusion.js';
import { accuracyScore, f1Score } from './functions.js';

// yTrue [0, 1, 2, 2] vs yPred [0, 2, 2, 1], counted by hand (rows true, columns predicted).
const T = [0, 1, 2, 2];
const P = [0, 2, 2, 1];
const CM = [
  [1, 0, 0],
  [0, 0, 1],
  [0, 1, 1],
];
// Scores whose argmax is P.
const SCORES = [
  [0.9, 0.05, 0.05],
  [0.1, 0.2, 0.7],
  [-1, -2, 3],
  [0, 5, 1],
];

describe(`confusionMatrix [${testBackend}]`, () => {
  it('counts host ids, typed arrays, host score rows and every tensor form alike', async () => {
    const k = { numClasses: 3 };
    expect(await confusionMatrix(T, P, k)).toEqual(CM);
    expect(await confusionMatrix(Int32Array.from(T), Float32Array.from(P), k)).toEqual(CM);
    expect(await confusionMatrix(T, SCORES, k)).toEqual(CM);
    const oneHotTrue = tf.oneHot(tf.tensor1d(T, 'int32'), 3);
    const inputs: [tf.Tensor, tf.Tensor][] = [
      [tf.tensor1d(T, 'int32'), tf.tensor1d(P, 'int32')],
      [tf.tensor1d(T, 'float32'), tf.tensor1d(P, 'float32')],
      [tf.tensor1d(T, 'int32'), tf.tensor2d(SCORES)],
      [oneHotTrue, tf.tensor2d(SCORES)],
    ];
    for (const [t, p] of inputs) expect(await confusionMatrix(t, p, k)).toEqual(CM);
    // Mixed: host yTrue, tensor yPred.
    expect(await confusionMatrix(T, inputs[0]![1], k)).toEqual(CM);
    tf.dispose([oneHotTrue, ...inputs.flat()]);
  });

  it('takes bool tensors as ids 0 / 1', async () => {
    const t = tf.tensor1d([true, false, true], 'bool');
    const p = tf.tensor1d([true, true, false], 'bool');
    expect(await confusionMatrix(t, p, { numClasses: 2 })).toEqual([
      [0, 1],
      [1, 1],
    ]);
    tf.dispose([t, p]);
  });

  it('breaks argmax ties toward the first class on host and device alike', async () => {
    const rows = [
      [1, 1, 0],
      [0, 2, 2],
      [3, 3, 3],
    ];
    const t = [0, 1, 0];
    const scores = tf.tensor2d(rows);
    expect(await confusionMatrix(t, rows, { numClasses: 3 })).toEqual(
      await confusionMatrix(t, scores, { numClasses: 3 }),
    );
    expect((await confusionMatrix(t, rows, { numClasses: 3 }))[0]).toEqual([2, 0, 0]);
    scores.dispose();
  });

  it('reads NaN in a score tensor as the maximum, as numpy and torch do', async () => {
    // numpy 1.24 / torch 1.13: np.argmax(rows, 1) = torch.argmax(rows, 1) = [0, 1, 2, 1, 0, 0, 0]
    const rows = [
      [Number.NaN, 1, 2],
      [1, Number.NaN, 0],
      [0, 1, Number.NaN],
      [Number.POSITIVE_INFINITY, Number.NaN, 1],
      [1, 1, 0],
      [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY],
      [Number.NaN, Number.NaN, 1],
    ];
    const numpyArgmax = [0, 1, 2, 1, 0, 0, 0];
    const scores = tf.tensor2d(rows);
    const t = [0, 1, 2, 0, 1, 2, 0];
    const expected = await confusionMatrix(t, numpyArgmax, { numClasses: 3 });
    const before = tf.memory().numTensors;
    expect(await confusionMatrix(t, scores, { numClasses: 3 })).toEqual(expected);
    expect(await accuracyScore(t, scores)).toBe(4 / 7);
    const cm = new ConfusionMatrix({ numClasses: 3 });
    cm.update(t, scores);
    expect(await cm.compute()).toEqual(expected);
    cm.dispose();
    expect(tf.memory().numTensors).toBe(before);
    scores.dispose();
  });

  it('rejects bad input before any work, naming the argument', async () => {
    const bad: [unknown, unknown, unknown, RegExp][] = [
      [T, P, { numClasses: 1 }, /options\.numClasses must be an integer in \[2, 65536\], got 1/],
      [T, P, { numClasses: 2.5 }, /numClasses/],
      [T, P, undefined, /options must be an options object/],
      [T, P, { numClasses: 3, classes: 3 }, /options\.classes/],
      [
        T,
        [0, 1, 2],
        { numClasses: 3 },
        /yPred length must be equal to yTrue's length \(4\), got 3/,
      ],
      [
        T,
        [0, 1, 3, 0],
        { numClasses: 3 },
        /yPred\[2\] must be an integer class id in \[0, 2\], got 3/,
      ],
      [[0, -1, 0, 0], P, { numClasses: 3 }, /yTrue\[1\]/],
      [[0, 1.5, 0, 0], P, { numClasses: 3 }, /yTrue\[1\]/],
      [[0, Number.NaN, 0, 0], P, { numClasses: 3 }, /yTrue\[1\]/],
      [[], [], { numClasses: 3 }, /yTrue length must be at least 1 sample, got 0/],
      [
        T,
        [
          [1, 0],
          [1, 0],
          [1, 0],
          [1, 0],
        ],
        { numClasses: 3 },
        /yPred\[0\]\.length must be 3/,
      ],
      [
        T,
        [
          [1, 0, 0],
          [1, 0, 0],
          [1, Number.NaN, 0],
          [1, 0, 0],
        ],
        { numClasses: 3 },
        /yPred\[2\]\[1\]/,
      ],
      [T, 'abc', { numClasses: 3 }, /yPred must be a tensor/],
    ];
    for (const [t, p, o, message] of bad) {
      await expect(
        confusionMatrix(t as number[], p as number[], o as { numClasses: number }),
      ).rejects.toThrow(message);
      await expect(
        confusionMatrix(t as number[], p as number[], o as { numClasses: number }),
      ).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    const t = tf.tensor1d(T, 'int32');
    const wrongK = tf.zeros([4, 4]);
    const rank3 = tf.zeros([4, 3, 1]);
    const strings = tf.tensor1d(['a', 'b', 'c', 'd']);
    await expect(confusionMatrix(t, wrongK, { numClasses: 3 })).rejects.toThrow(
      /yPred\.shape must be \[N, 3\]/,
    );
    await expect(confusionMatrix(t, rank3, { numClasses: 3 })).rejects.toThrow(
      /yPred\.shape must be rank 1/,
    );
    await expect(confusionMatrix(strings, t, { numClasses: 3 })).rejects.toThrow(/yTrue\.dtype/);
    tf.dispose([t, wrongK, rank3, strings]);
  });

  it('finds invalid ids inside tensors on the device and throws after the read', async () => {
    const cases: [number[], string][] = [
      [[0, 3, 1, 1], 'float32'],
      [[0, -1, 1, 1], 'int32'],
      [[0, 0.5, 1, 1], 'float32'],
      [[0, Number.NaN, 1, 1], 'float32'],
    ];
    const p = tf.tensor1d(P, 'int32');
    for (const [values, dtype] of cases) {
      const t = tf.tensor1d(values, dtype as 'float32');
      await expect(confusionMatrix(t, p, { numClasses: 3 })).rejects.toThrow(
        /yTrue class ids must be integers in \[0, 2\], got "1 ids outside/,
      );
      await expect(confusionMatrix(p, t, { numClasses: 3 })).rejects.toThrow(/yPred class ids/);
      // The error paths free everything: the pure function's read, and the streaming state.
      const before = tf.memory().numTensors;
      await expect(f1Score(t, p, { numClasses: 3 })).rejects.toThrow(/yTrue class ids/);
      await expect(accuracyScore(t, p, { numClasses: 3 })).rejects.toThrow(/yTrue class ids/);
      const cm = new ConfusionMatrix({ numClasses: 3 });
      cm.update(t, p);
      await expect(cm.compute()).rejects.toThrow(/yTrue class ids/);
      cm.dispose();
      expect(tf.memory().numTensors).toBe(before);
      t.dispose();
    }
    p.dispose();
  });
});

describe(`ConfusionMatrix [${testBackend}]`, () => {
  it('accumulates batches on the device and reads once in compute', async () => {
    const cm = new ConfusionMatrix({ numClasses: 3 });
    expect(await cm.compute()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
    const backend = tf.backend();
    const readSync = vi.spyOn(backend, 'readSync');
    const read = vi.spyOn(backend, 'read');
    const t = tf.tensor1d(T, 'int32');
    const p = tf.tensor2d(SCORES);
    cm.update(t, p);
    cm.update(T, P);
    expect(readSync).not.toHaveBeenCalled();
    expect(read).not.toHaveBeenCalled();
    expect(await cm.compute()).toEqual(CM.map((row) => row.map((v) => 2 * v)));
    expect(read).toHaveBeenCalledTimes(1); // (the backends' async read goes through readSync)
    readSync.mockRestore();
    read.mockRestore();
    cm.reset();
    cm.update(T, P);
    expect(await cm.compute()).toEqual(CM);
    cm.dispose();
    tf.dispose([t, p]);
  });

  it('keeps its state when updated inside a caller tf.tidy (a training step)', async () => {
    const cm = new ConfusionMatrix({ numClasses: 3 });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      tf.tidy(() => {
        cm.update(tf.tensor1d(T, 'int32'), tf.tensor1d(P, 'int32'));
      });
    }
    expect(await cm.compute()).toEqual(CM.map((row) => row.map((v) => 3 * v)));
    cm.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaks no tensors over repeated update / compute / reset', async () => {
    const t = tf.tensor1d(T, 'int32');
    const p = tf.tensor2d(SCORES);
    const cm = new ConfusionMatrix({ numClasses: 3 });
    const baseline = tf.memory().numTensors;
    cm.update(t, p);
    const withState = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      cm.update(t, p);
      cm.update(T, P);
      await cm.compute();
      expect(tf.memory().numTensors).toBe(withState);
    }
    cm.reset();
    expect(tf.memory().numTensors).toBe(baseline);
    cm.update(t, p);
    cm.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
    tf.dispose([t, p]);
  });

  it('reports device-found invalid ids at compute until reset', async () => {
    const cm = new ConfusionMatrix({ numClasses: 3 });
    const t = tf.tensor1d([0, 7, 1], 'int32');
    const p = tf.tensor1d([0, 1, 1], 'int32');
    cm.update(t, p);
    await expect(cm.compute()).rejects.toThrow(
      /yTrue class ids must be integers in \[0, 2\], got "1 ids outside/,
    );
    await expect(cm.compute()).rejects.toBeInstanceOf(InvalidArgumentError);
    cm.reset();
    cm.update(p, p);
    expect(await cm.compute()).toEqual([
      [1, 0, 0],
      [0, 2, 0],
      [0, 0, 0],
    ]);
    cm.dispose();
    tf.dispose([t, p]);
  });

  it('rejects a bad batch in update without changing the state', async () => {
    const cm = new ConfusionMatrix({ numClasses: 3 });
    cm.update(T, P);
    expect(() => cm.update(T, [0, 1, 5, 0])).toThrow(
      /yPred\[2\] must be an integer class id in \[0, 2\], got 5/,
    );
    expect(() => cm.update(T, [0, 1])).toThrow(InvalidArgumentError);
    cm.update([], []); // an empty batch adds nothing
    expect(await cm.compute()).toEqual(CM);
    cm.dispose();
    expect(() => new ConfusionMatrix({ numClasses: 0 })).toThrow(InvalidArgumentError);
    expect(() => new ConfusionMatrix({ numClasses: 3, average: 'macro' } as never)).toThrow(
      /options\.average/,
    );
  });

  it('round-trips its config', () => {
    const cm = ConfusionMatrix.fromConfig(new ConfusionMatrix({ numClasses: 4 }).getConfig());
    expect(cm.getConfig()).toEqual({ numClasses: 4 });
    expect(JSON.parse(JSON.stringify(cm.getConfig()))).toEqual({ numClasses: 4 });
  });
});
