import { DataFormatError, InvalidArgumentError } from '@overfit/core';
import { describe, expect, it } from 'vitest';
import { syntheticMnist, uint8Idx } from './idx-builder.test-util.js';
import { checkMnistOptions, mnistFromIdx, type Split } from './mnist.js';

/** Pixel value of each example of a split built by syntheticMnist (all 784 pixels are equal). */
const pixelsOf = (split: Split) =>
  Array.from({ length: split.count }, (_, i) => split.images[i * 784]!);
const uniformRows = (split: Split) =>
  Array.from({ length: split.count }, (_, i) =>
    split.images.subarray(i * 784, (i + 1) * 784).every((v) => v === split.images[i * 784]),
  );

describe('mnistFromIdx: splits', () => {
  it('holds out the LAST validationSplit fraction without a seed (Keras), floor(n·(1 − split)) for training', () => {
    const files = syntheticMnist(
      15,
      4,
      (i) => i,
      (i) => i % 10,
    );
    const data = mnistFromIdx(files, { validationSplit: 0.25, normalize: 'none' });
    // floor(15 · 0.75) = 11 training, 4 validation
    expect(data.train.count).toBe(11);
    expect(data.validation.count).toBe(4);
    expect(data.test.count).toBe(4);
    expect(pixelsOf(data.train)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(pixelsOf(data.validation)).toEqual([11, 12, 13, 14]);
    expect(Array.from(data.validation.labels)).toEqual([1, 2, 3, 4]);
    expect(Array.from(data.test.labels)).toEqual([0, 1, 2, 3]);
    expect(data.train.images.length).toBe(11 * 784);
    expect(data.train.labels).toBeInstanceOf(Int32Array);
    expect(uniformRows(data.train).every(Boolean)).toBe(true);
    expect(data.imageShape).toEqual([28, 28, 1]);
    expect(data.numClasses).toBe(10);
    expect(data.normalization).toEqual({ kind: 'none', mean: 0, std: 1 });
  });

  it('defaults to validationSplit 0.1 and keeps every example', () => {
    const data = mnistFromIdx(syntheticMnist(30, 3));
    expect([data.train.count, data.validation.count, data.test.count]).toEqual([27, 3, 3]);
  });

  it('validationSplit 0 leaves an empty validation split', () => {
    const data = mnistFromIdx(syntheticMnist(5, 2), { validationSplit: 0 });
    expect(data.train.count).toBe(5);
    expect(data.validation).toEqual({
      images: new Float32Array(0),
      labels: new Int32Array(0),
      count: 0,
    });
  });

  it('limit takes the first examples before the split; testLimit the first test examples', () => {
    const files = syntheticMnist(40, 10, (i, s) => (s === 'train' ? i : 100 + i));
    const data = mnistFromIdx(files, {
      limit: 10,
      testLimit: 3,
      validationSplit: 0.2,
      normalize: 'none',
    });
    expect(pixelsOf(data.train)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(pixelsOf(data.validation)).toEqual([8, 9]);
    expect(pixelsOf(data.test)).toEqual([100, 101, 102]);
    const capped = mnistFromIdx(files, { limit: 1000, testLimit: 1000 });
    expect(capped.train.count + capped.validation.count).toBe(40);
    expect(capped.test.count).toBe(10);
  });

  it('a seed gives a seeded random partition: same seed, same split; another seed, another', () => {
    const files = syntheticMnist(50, 2, (i) => i);
    const options = { validationSplit: 0.2, normalize: 'none' as const };
    const a = mnistFromIdx(files, { ...options, seed: 7 });
    const b = mnistFromIdx(files, { ...options, seed: 7 });
    const c = mnistFromIdx(files, { ...options, seed: 8 });
    expect(pixelsOf(a.train)).toEqual(pixelsOf(b.train));
    expect(Array.from(a.validation.labels)).toEqual(Array.from(b.validation.labels));
    expect(pixelsOf(a.validation)).not.toEqual(pixelsOf(c.validation));
    expect(pixelsOf(a.validation)).not.toEqual([40, 41, 42, 43, 44, 45, 46, 47, 48, 49]);
    // a partition of the 50 examples, with labels kept on their images
    const all = [...pixelsOf(a.train), ...pixelsOf(a.validation)].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(a.train.labels)).toEqual(pixelsOf(a.train).map((p) => p % 10));
    expect([a.train.count, a.validation.count]).toEqual([40, 10]);
  });

  it('a seeded split draws from the first `limit` examples only', () => {
    const data = mnistFromIdx(
      syntheticMnist(50, 2, (i) => i),
      { limit: 12, seed: 3, validationSplit: 0.5, normalize: 'none' },
    );
    const all = [...pixelsOf(data.train), ...pixelsOf(data.validation)].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });
});

describe('mnistFromIdx: normalization', () => {
  // Training pixels 0, 51, 102 (validation and test very different), so the expected statistics
  // follow by hand from three numbers: x/255 = 0, 0.2, 0.4 → mean 0.2, std sqrt(0.08/3).
  const files = syntheticMnist(4, 2, (i, s) => (s === 'test' ? 255 : [0, 51, 102, 255][i]!));
  const f32 = Math.fround;

  it("'unit' divides by 255", () => {
    const data = mnistFromIdx(files, { validationSplit: 0.25, normalize: 'unit' });
    expect(pixelsOf(data.train)).toEqual([0, f32(0.2), f32(0.4)]);
    expect(pixelsOf(data.test)).toEqual([1, 1]);
    expect(data.normalization).toEqual({ kind: 'unit', mean: 0, std: 1 });
  });

  it("'standardize' uses training-split statistics only and applies them to validation and test", () => {
    const data = mnistFromIdx(files, { validationSplit: 0.25 });
    const mean = 0.2;
    const std = Math.sqrt(((0 - 0.2) ** 2 + 0 + 0.2 ** 2) / 3);
    expect(data.normalization.kind).toBe('standardize');
    expect(data.normalization.mean).toBeCloseTo(mean, 7);
    expect(data.normalization.std).toBeCloseTo(std, 7);
    const expected = (x: number) => (x / 255 - mean) / std;
    for (const [i, v] of pixelsOf(data.train).entries())
      expect(v).toBeCloseTo(expected([0, 51, 102][i]!), 5);
    expect(pixelsOf(data.validation)[0]).toBeCloseTo(expected(255), 5);
    expect(pixelsOf(data.test)).toEqual([
      pixelsOf(data.validation)[0],
      pixelsOf(data.validation)[0],
    ]);
    expect(uniformRows(data.train).every(Boolean)).toBe(true);
  });

  it('refuses to standardize training images with zero variance', () => {
    expect(() => mnistFromIdx(syntheticMnist(3, 1, () => 9))).toThrow(
      /zero variance.*normalize: 'unit'/,
    );
    expect(
      mnistFromIdx(
        syntheticMnist(3, 1, () => 9),
        { normalize: 'unit' },
      ).train.count,
    ).toBe(2);
  });
});

describe('mnistFromIdx: bad files', () => {
  const good = syntheticMnist(4, 2);

  it('checks image shape and dtype, naming the file', () => {
    const wrongSize = { ...good, trainImages: uint8Idx([4, 28, 27], new Uint8Array(4 * 28 * 27)) };
    expect(() => mnistFromIdx(wrongSize)).toThrow(
      new DataFormatError(
        'train-images-idx3-ubyte: expected uint8 images of shape [N, 28, 28], got uint8 [4, 28, 27]',
      ),
    );
    const flat = { ...good, testImages: uint8Idx([2, 784], new Uint8Array(2 * 784)) };
    expect(() => mnistFromIdx(flat)).toThrow(
      't10k-images-idx3-ubyte: expected uint8 images of shape [N, 28, 28], got uint8 [2, 784]',
    );
    const int8 = good.trainImages.slice();
    int8[2] = 0x09;
    expect(() => mnistFromIdx({ ...good, trainImages: int8 })).toThrow('got int8 [4, 28, 28]');
  });

  it('checks label count, shape and range', () => {
    expect(() => mnistFromIdx({ ...good, trainLabels: uint8Idx([3], [1, 2, 3]) })).toThrow(
      'train-labels-idx1-ubyte: expected 4 labels, one per image, got 3',
    );
    expect(() => mnistFromIdx({ ...good, testLabels: uint8Idx([2, 1], [1, 2]) })).toThrow(
      'expected uint8 labels of shape [N], got uint8 [2, 1]',
    );
    expect(() => mnistFromIdx({ ...good, testLabels: uint8Idx([2], [3, 10]) })).toThrow(
      new DataFormatError('t10k-labels-idx1-ubyte: label at index 1 is 10, expected 0..9'),
    );
  });

  it('passes IDX errors through with the file name', () => {
    expect(() => mnistFromIdx({ ...good, trainLabels: good.trainLabels.subarray(0, 10) })).toThrow(
      'train-labels-idx1-ubyte is not a valid IDX file: truncated data for uint8 [4]: expected 12 bytes, got 10',
    );
  });

  it('rejects missing or unknown files', () => {
    const { testLabels: _, ...three } = good;
    expect(() => mnistFromIdx(three as never)).toThrow(InvalidArgumentError);
    expect(() => mnistFromIdx(three as never)).toThrow(
      'files.testLabels must be the bytes of t10k-labels-idx1-ubyte',
    );
    expect(() => mnistFromIdx({ ...good, extra: new Uint8Array(1) } as never)).toThrow(
      /files\.extra/,
    );
  });
});

describe('MNIST options', () => {
  it('applies defaults', () => {
    expect(checkMnistOptions()).toEqual({
      validationSplit: 0.1,
      limit: undefined,
      testLimit: undefined,
      normalize: 'standardize',
      seed: undefined,
    });
  });

  it('rejects bad options before touching the files', () => {
    const garbage = {
      trainImages: new Uint8Array(1),
      trainLabels: new Uint8Array(1),
      testImages: new Uint8Array(1),
      testLabels: new Uint8Array(1),
    };
    const cases: [object, string][] = [
      [{ validationSplit: 1 }, 'options.validationSplit must be a number in [0, 1), got 1'],
      [{ validationSplit: -0.1 }, 'options.validationSplit must be a number in [0, 1), got -0.1'],
      [{ limit: 0 }, 'options.limit must be an integer >= 1, got 0'],
      [{ limit: 2.5 }, 'options.limit must be an integer >= 1, got 2.5'],
      [{ testLimit: -1 }, 'options.testLimit must be an integer >= 1, got -1'],
      [
        { normalize: 'zscore' },
        `options.normalize must be one of 'standardize', 'unit', 'none', got "zscore"`,
      ],
      [{ seed: 1.5 }, 'options.seed must be an integer'],
      [
        { limit: 1 },
        'options.limit must be large enough to leave a training example after validationSplit 0.1, got 1',
      ],
      [{ validationSplit: 0.2, lmit: 5 }, 'options.lmit'],
    ];
    for (const [options, text] of cases) {
      expect(() => mnistFromIdx(garbage, options)).toThrow(InvalidArgumentError);
      expect(() => mnistFromIdx(garbage, options)).toThrow(text);
    }
    expect(checkMnistOptions({ limit: 1, validationSplit: 0 }).limit).toBe(1);
  });

  it('extra keys are allowed only when the caller declares them', () => {
    expect(() => checkMnistOptions({ dir: '/x' } as never)).toThrow(/options\.dir/);
    expect(checkMnistOptions({ dir: '/x' } as never, ['dir']).normalize).toBe('standardize');
  });

  it('fails on too few examples for the split even without a limit', () => {
    expect(() => mnistFromIdx(syntheticMnist(1, 1))).toThrow(DataFormatError);
    expect(() => mnistFromIdx(syntheticMnist(1, 1))).toThrow(
      'leave no training example after validationSplit 0.1',
    );
  });
});
