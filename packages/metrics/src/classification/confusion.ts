import { checkKnownKeys, checkOneOf } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import {
  type ClassInput,
  deviceIds,
  type Prepared,
  preparePair,
  throwIfInvalid,
} from './inputs.js';
import { checkLabels, checkNumClasses, requireOptions } from './options.js';

/** Options of {@link ConfusionMatrix} and {@link confusionMatrix}. */
export interface ConfusionMatrixOptions {
  /** Number of classes K (integer >= 2); ids must lie in `[0, K)`. */
  numClasses: number;
  /**
   * sklearn's `labels`: the rows and columns to return, in this order (distinct ids in
   * `[0, K)`); samples whose true or predicted class is not listed are left out. Default all K.
   */
  labels?: readonly number[];
  /**
   * sklearn's `normalize`: divide each cell by its row's sum (`'true'`: recall per class on the
   * diagonal), its column's sum (`'pred'`: precision on the diagonal) or the total (`'all'`);
   * a zero sum gives 0s. Default: counts. Applied after `labels`.
   */
  normalize?: Normalize;
}

/** How {@link confusionMatrix} normalizes (sklearn's `normalize`). */
export type Normalize = 'true' | 'pred' | 'all';

/** `cm[labels][labels]`: the sub-matrix of the listed classes, in their order. */
function selectLabels(cm: number[][], labels: readonly number[] | undefined): number[][] {
  return labels === undefined ? cm : labels.map((i) => labels.map((j) => cm[i]![j]!));
}

/** sklearn's `normalize` (with `np.nan_to_num`: 0 / 0 gives 0). */
function normalizeCounts(cm: number[][], mode: Normalize | undefined): number[][] {
  if (mode === undefined) return cm;
  const k = cm.length;
  const rowSums = cm.map((row) => row.reduce((a, v) => a + v, 0));
  const colSums = Array.from({ length: k }, (_, j) => cm.reduce((a, row) => a + row[j]!, 0));
  const total = rowSums.reduce((a, v) => a + v, 0);
  return cm.map((row, i) =>
    row.map((v, j) => {
      const den = mode === 'true' ? rowSums[i]! : mode === 'pred' ? colSums[j]! : total;
      return den === 0 ? 0 : v / den;
    }),
  );
}

function checkNormalize(value: unknown): Normalize | undefined {
  return value === undefined ? undefined : checkOneOf('options.normalize', value, NORMALIZE);
}

const NORMALIZE: readonly Normalize[] = ['true', 'pred', 'all'];
const OPTION_KEYS = ['numClasses', 'labels', 'normalize'];

/** Device stage: this batch's int32 `[K, K]` counts and int32 invalid-id counts `[2]`. */
function batchCounts(
  t: Prepared,
  p: Prepared,
  k: number,
): { counts: tf.Tensor2D; invalid: tf.Tensor1D } {
  const yt = deviceIds(t, k);
  const yp = deviceIds(p, k);
  // One-hot rows: out-of-range ids give all-zero rows, so they add nothing to any cell.
  // Built int32 then cast: tfjs 4.22 wasm's OneHot ignores dtype 'float32' (writes int bits).
  const a = tf.cast(tf.oneHot(yt.ids, k), 'float32');
  const b = tf.cast(tf.oneHot(yp.ids, k), 'float32');
  // counts[i][j] = #{n : t_n = i, p_n = j}; float32 is exact because N <= 2^24.
  const counts = tf.cast(tf.matMul(a, b, true, false), 'int32') as tf.Tensor2D;
  return { counts, invalid: tf.stack([yt.invalid, yp.invalid]) as tf.Tensor1D };
}

function hostCounts(t: Int32Array, p: Int32Array, k: number): number[][] {
  const cm = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let n = 0; n < t.length; n++) cm[t[n]!]![p[n]!]! += 1;
  return cm;
}

function rows(flat: ArrayLike<number>, k: number): number[][] {
  return Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => flat[i * k + j]!));
}

/** Reads `[K*K counts, invalidTrue, invalidPred]` packed in one int32 tensor, then disposes it. */
async function readPacked(packed: tf.Tensor, k: number): Promise<number[][]> {
  try {
    const data = await packed.data();
    throwIfInvalid(data[k * k]!, data[k * k + 1]!, k);
    return rows(data, k);
  } finally {
    packed.dispose();
  }
}

function pack(counts: tf.Tensor, invalid: tf.Tensor): tf.Tensor {
  return tf.concat([tf.reshape(counts, [-1]), invalid]);
}

/** Shared stage of the pure functions: host arrays count on the host, tensors on the device. */
export async function confusionFromPrepared(
  t: Prepared,
  p: Prepared,
  k: number,
): Promise<number[][]> {
  if (t.kind === 'host' && p.kind === 'host') return hostCounts(t.ids, p.ids, k);
  const packed = tf.tidy(() => {
    const { counts, invalid } = batchCounts(t, p, k);
    return pack(counts, invalid);
  });
  return readPacked(packed, k);
}

/**
 * Confusion matrix `C` with `C[i][j]` = number of samples of true class `i` predicted as `j`
 * (rows true, columns predicted, like sklearn's `confusion_matrix(labels=range(K))`).
 *
 * Host arrays are checked and counted on the host (ids outside `[0, K)` throw before any
 * work); tensors are counted on the device with one read, and invalid ids found there throw
 * after that read. `[N, K]` score inputs are reduced by argmax.
 *
 * @example
 * await confusionMatrix([0, 1, 2, 2], [0, 2, 2, 1], { numClasses: 3 });
 * // [[1, 0, 0], [0, 0, 1], [0, 1, 1]]
 */
export async function confusionMatrix(
  yTrue: ClassInput,
  yPred: ClassInput,
  options: ConfusionMatrixOptions,
): Promise<number[][]> {
  requireOptions(options);
  checkKnownKeys('options', options, OPTION_KEYS);
  const k = checkNumClasses(options.numClasses);
  const labels = checkLabels(options.labels, k);
  const normalize = checkNormalize(options.normalize);
  const [t, p] = preparePair(yTrue, yPred, k);
  return normalizeCounts(selectLabels(await confusionFromPrepared(t, p, k), labels), normalize);
}

/**
 * Streaming confusion matrix (torchmetrics style): `update` adds a batch to an int32 `[K, K]`
 * matrix kept on the device, with no host read; `compute` reads it once.
 *
 * Validation: shapes, lengths, dtypes and host-array values are checked in `update` before
 * any work. Ids inside tensors are checked on the device (reading them in `update` would
 * stall the pipeline): invalid ones (outside `[0, K)`, non-integer, NaN) add nothing to the
 * matrix but are counted, and `compute()` throws an `InvalidArgumentError` while that count
 * is non-zero (until `reset()`).
 *
 * Limits: at most 2^24 samples per `update` (float32 exact counts); totals are int32
 * (exact up to 2^31 - 1 per cell).
 *
 * `update` is safe inside a caller's `tf.tidy`: the running matrix is kept out of it.
 *
 * @example
 * const cm = new ConfusionMatrix({ numClasses: 10 });
 * for (const [x, y] of batches) cm.update(y, model.predict(x) as tf.Tensor); // no read
 * const counts = await cm.compute(); // number[10][10]
 * cm.dispose();
 */
export class ConfusionMatrix {
  readonly numClasses: number;
  /** sklearn's `labels` (see {@link ConfusionMatrixOptions.labels}); `undefined`: all K. */
  readonly labels: readonly number[] | undefined;
  /** sklearn's `normalize` (see {@link ConfusionMatrixOptions.normalize}); `undefined`: counts. */
  readonly normalize: Normalize | undefined;
  private counts: tf.Tensor2D | null = null;
  private invalid: tf.Tensor1D | null = null;

  constructor(options: ConfusionMatrixOptions) {
    requireOptions(options);
    checkKnownKeys('options', options, OPTION_KEYS);
    this.numClasses = checkNumClasses(options.numClasses);
    this.labels = checkLabels(options.labels, this.numClasses);
    this.normalize = checkNormalize(options.normalize);
  }

  /** Adds a batch; `yPred` may be ids `[N]` or scores `[N, K]`. No host read. */
  update(yTrue: ClassInput, yPred: ClassInput): void {
    const k = this.numClasses;
    const [t, p] = preparePair(yTrue, yPred, k, true);
    if (t.n === 0) return;
    const previous = [this.counts, this.invalid];
    const next = tf.tidy(() => {
      const batch = batchCounts(t, p, k);
      return [
        this.counts ? tf.add(this.counts, batch.counts) : batch.counts,
        this.invalid ? tf.add(this.invalid, batch.invalid) : batch.invalid,
      ];
    });
    // Kept so that an enclosing tf.tidy (e.g. a training step) does not dispose the state.
    this.counts = tf.keep(next[0] as tf.Tensor2D);
    this.invalid = tf.keep(next[1] as tf.Tensor1D);
    for (const t of previous) t?.dispose();
  }

  /**
   * The accumulated matrix (one host read), `labels` and `normalize` applied; all zeros before
   * the first update.
   */
  async compute(): Promise<number[][]> {
    const k = this.numClasses;
    if (!this.counts || !this.invalid) return this.finish(rows(new Int32Array(k * k), k));
    const counts = this.counts;
    const invalid = this.invalid;
    const cm = await readPacked(
      tf.tidy(() => pack(counts, invalid)),
      k,
    );
    return this.finish(cm);
  }

  private finish(cm: number[][]): number[][] {
    return normalizeCounts(selectLabels(cm, this.labels), this.normalize);
  }

  /** Clears the counts (frees the device memory). */
  reset(): void {
    this.counts?.dispose();
    this.invalid?.dispose();
    this.counts = null;
    this.invalid = null;
  }

  /** Frees the device memory; the object can still be used (it starts again from zero). */
  dispose(): void {
    this.reset();
  }

  /** The constructor options (plain JSON); the counts are state, not config. */
  getConfig(): ConfusionMatrixOptions {
    return {
      numClasses: this.numClasses,
      ...(this.labels ? { labels: [...this.labels] } : {}),
      ...(this.normalize ? { normalize: this.normalize } : {}),
    };
  }

  /** A fresh, empty matrix from {@link ConfusionMatrix.getConfig}'s output. */
  static fromConfig(config: ConfusionMatrixOptions): ConfusionMatrix {
    return new ConfusionMatrix(config);
  }
}
