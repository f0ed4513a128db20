import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataFormatError } from '@overfit/core';
import {
  computeMeanStd,
  MNIST_FILE_NAMES,
  type MnistData,
  type MnistOptions,
  splitToTensors,
} from '@overfit/data';
import { loadMnist, mnistDataDir } from '@overfit/data/node';
import * as tf from '@tensorflow/tfjs';
import type { TrainConfig } from '../args.js';

/** Where Debian's `dataset-fashion-mnist` puts the four gzipped IDX files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';
export const FASHION_MNIST_HINT =
  'Fashion-MNIST not found: install it with `apt-get install dataset-fashion-mnist` (Debian; files in /usr/share/datasets/fashion-mnist)';

/** The data sets `--dataset` takes, and whether each is found here. */
export function findDatasets(): { name: TrainConfig['dataset']; found: boolean; where: string }[] {
  let mnist: string;
  let mnistFound = true;
  try {
    mnist = mnistDataDir();
  } catch (error) {
    mnistFound = false;
    mnist = error instanceof Error ? error.message : String(error);
  }
  const fashion = Object.values(MNIST_FILE_NAMES).every((f) =>
    existsSync(join(FASHION_MNIST_DIR, `${f}.gz`)),
  );
  return [
    { name: 'mnist', found: mnistFound, where: mnist },
    {
      name: 'fashion-mnist',
      found: fashion,
      where: fashion ? FASHION_MNIST_DIR : FASHION_MNIST_HINT,
    },
  ];
}

/** The data of one command, as tensors, shared by every configuration it runs. */
export interface PreparedData {
  dataset: TrainConfig['dataset'];
  /** Training images standardized with the train split's mean / std, `[N, 28, 28, 1]`. */
  train: { x: tf.Tensor; y: tf.Tensor; count: number };
  validation: { x: tf.Tensor; y: tf.Tensor; count: number };
  test: { x: tf.Tensor; y: tf.Tensor; count: number };
  /** Pixels in [0, 1] are standardized as `(x - mean) / std` (train split statistics). */
  mean: number;
  std: number;
  dispose(): void;
}

/** Fashion-MNIST from Debian's gzipped files (`loadMnist` reads `.gz`); missing files get the apt hint. */
async function loadFashionMnist(options: MnistOptions): Promise<MnistData> {
  try {
    return await loadMnist({ ...options, dir: FASHION_MNIST_DIR });
  } catch (error) {
    if (
      error instanceof DataFormatError &&
      /^MNIST (folder not found|file missing)/.test(error.message)
    )
      throw new DataFormatError(FASHION_MNIST_HINT);
    throw error;
  }
}

/**
 * Loads `--dataset` with `--limit` and `--validation-split`: pixels scaled to [0, 1], then
 * standardized with the training split's mean and std (augmentation undoes and redoes that
 * around its transforms, so normalization is always the last step).
 */
export async function loadDataset(
  config: Pick<TrainConfig, 'dataset' | 'limit' | 'validationSplit'>,
): Promise<PreparedData> {
  const options = {
    validationSplit: config.validationSplit,
    limit: config.limit ?? undefined,
    normalize: 'unit' as const,
  };
  const data: MnistData =
    config.dataset === 'fashion-mnist' ? await loadFashionMnist(options) : await loadMnist(options);
  const { mean, std } = computeMeanStd(data.train.images);
  const standardize = (split: MnistData['train']) => {
    const images = new Float32Array(split.images.length);
    for (let i = 0; i < images.length; i++) images[i] = (split.images[i]! - mean) / std;
    const t = splitToTensors({ ...split, images }, { shape: 'image' });
    return { x: t.x, y: t.y, count: split.count };
  };
  const train = standardize(data.train);
  const validation = standardize(data.validation);
  const test = standardize(data.test);
  return {
    dataset: config.dataset,
    train,
    validation,
    test,
    mean,
    std,
    dispose: () => tf.dispose([train.x, train.y, validation.x, validation.y, test.x, test.y]),
  };
}

/** `data: MNIST 54000 train / 6000 validation / 10000 test, standardized with ...` */
export function describeData(data: PreparedData): string {
  const name = data.dataset === 'mnist' ? 'MNIST' : 'Fashion-MNIST';
  return `data: ${name} ${data.train.count} train / ${data.validation.count} validation / ${data.test.count} test, standardized with train mean ${data.mean.toFixed(4)} std ${data.std.toFixed(4)}`;
}
