import { InvalidArgumentError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { Split } from './mnist.js';
import { splitToTensors } from './tensors.js';

function makeSplit(count: number, size = 784): Split {
  return {
    images: Float32Array.from({ length: count * size }, (_, i) => i / 10),
    labels: Int32Array.from({ length: count }, (_, i) => (i * 3) % 10),
    count,
  };
}

describe('splitToTensors', () => {
  it("'flat' (default) gives x [count, 784] float32 and y [count] int32 with the split's values", async () => {
    const split = makeSplit(3);
    const { x, y } = splitToTensors(split);
    expect(x.shape).toEqual([3, 784]);
    expect(x.dtype).toBe('float32');
    expect(y.shape).toEqual([3]);
    expect(y.dtype).toBe('int32');
    expect(await x.data()).toEqual(split.images);
    expect(Array.from(await y.data())).toEqual([0, 3, 6]);
    tf.dispose([x, y]);
  });

  it("'image' gives NHWC x [count, 28, 28, 1]; row r, pixel (i, j) is images[r·784 + 28i + j]", async () => {
    const split = makeSplit(2);
    const { x, y } = splitToTensors(split, { shape: 'image' });
    expect(x.shape).toEqual([2, 28, 28, 1]);
    const pixel = tf.slice(x, [1, 3, 5, 0], [1, 1, 1, 1]);
    expect((await pixel.data())[0]).toBe(split.images[784 + 28 * 3 + 5]);
    tf.dispose([x, y, pixel]);
  });

  it('honours another imageShape', () => {
    const { x, y } = splitToTensors(makeSplit(2, 12), { shape: 'image', imageShape: [2, 2, 3] });
    expect(x.shape).toEqual([2, 2, 2, 3]);
    tf.dispose([x, y]);
  });

  it('copies: changing the split afterwards does not change the tensors', async () => {
    const split = makeSplit(1);
    const { x, y } = splitToTensors(split);
    split.images[0] = 42;
    split.labels[0] = 9;
    expect((await x.data())[0]).toBe(0);
    expect((await y.data())[0]).toBe(0);
    tf.dispose([x, y]);
  });

  it('handles an empty split', () => {
    const { x, y } = splitToTensors(
      { images: new Float32Array(0), labels: new Int32Array(0), count: 0 },
      { shape: 'image' },
    );
    expect(x.shape).toEqual([0, 28, 28, 1]);
    expect(y.shape).toEqual([0]);
    tf.dispose([x, y]);
  });

  it('allocates exactly the two returned tensors, over repeated calls', () => {
    const split = makeSplit(4);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const { x, y } = splitToTensors(split, { shape: i % 2 ? 'image' : 'flat' });
      expect(tf.memory().numTensors).toBe(before + 2);
      tf.dispose([x, y]);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects mismatched arrays and bad options, allocating nothing', () => {
    const before = tf.memory().numTensors;
    const split = makeSplit(2);
    expect(() => splitToTensors({ ...split, count: 3 })).toThrow(InvalidArgumentError);
    expect(() => splitToTensors({ ...split, count: 3 })).toThrow(
      'split.images must be a Float32Array of length count · 784 = 2352, got "Float32Array(1568)"',
    );
    expect(() => splitToTensors({ ...split, labels: new Int32Array(1) })).toThrow(
      'split.labels must be an Int32Array of length count = 2, got "Int32Array(1)"',
    );
    expect(() => splitToTensors({ ...split, labels: Float32Array.from([1, 2]) as never })).toThrow(
      /split\.labels/,
    );
    expect(() => splitToTensors(split, { shape: 'nhwc' as never })).toThrow(
      `options.shape must be one of 'flat', 'image', got "nhwc"`,
    );
    expect(() => splitToTensors(split, { imageShape: [28, 28] as never })).toThrow(
      /options\.imageShape/,
    );
    expect(() => splitToTensors(split, { imageShape: [28, 0, 1] })).toThrow(
      'options.imageShape[1] must be an integer >= 1, got 0',
    );
    expect(() => splitToTensors(split, { shpe: 'flat' } as never)).toThrow(/options\.shpe/);
    expect(() => splitToTensors({ ...split, count: -1 })).toThrow(
      'split.count must be an integer >= 0, got -1',
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});
