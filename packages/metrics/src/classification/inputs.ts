import { InvalidArgumentError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { MAX_BATCH } from './options.js';

/**
 * Labels or predictions: class ids (a rank-1 tensor of int32 or integer-valued floats, a
 * `number[]` or a typed array) or per-class scores / logits / probabilities / one-hot rows
 * (a rank-2 `[N, K]` tensor or `number[][]`), reduced to ids by argmax (first maximum wins;
 * in a tensor NaN counts as the maximum, as in numpy and torch; host rows reject NaN).
 */
export type ClassInput = tf.Tensor | ArrayLike<number> | ReadonlyArray<ArrayLike<number>>;

/** An input checked on the host: ids already known there, or a tensor still on the device. */
export type Prepared =
  | { readonly kind: 'host'; readonly n: number; readonly ids: Int32Array; readonly width?: number }
  | {
      readonly kind: 'tensor';
      readonly n: number;
      readonly tensor: tf.Tensor;
      readonly width?: number;
    };

function rangeText(numClasses: number | undefined): string {
  return numClasses === undefined
    ? 'a non-negative integer class id'
    : `an integer class id in [0, ${numClasses - 1}]`;
}

function isRowArray(x: ArrayLike<unknown>): x is ReadonlyArray<ArrayLike<number>> {
  return x.length > 0 && typeof x[0] === 'object' && x[0] !== null;
}

function hostIds(name: string, x: ArrayLike<number>, numClasses: number | undefined): Int32Array {
  const ids = new Int32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    const ok =
      typeof v === 'number' &&
      Number.isInteger(v) &&
      v >= 0 &&
      (numClasses === undefined ? v < 2 ** 31 : v < numClasses);
    if (!ok) throw new InvalidArgumentError(`${name}[${i}]`, v, rangeText(numClasses));
    ids[i] = v;
  }
  return ids;
}

function hostArgmax(
  name: string,
  rows: ReadonlyArray<ArrayLike<number>>,
  numClasses: number | undefined,
): Int32Array {
  const k = numClasses ?? rows[0]!.length;
  if (k < 1) throw new InvalidArgumentError(`${name}[0].length`, k, 'at least 1 score per row');
  const ids = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (row === null || typeof row !== 'object' || row.length !== k) {
      throw new InvalidArgumentError(
        `${name}[${i}].length`,
        row?.length,
        `${k} (one score per class)`,
      );
    }
    let best = 0;
    for (let j = 0; j < k; j++) {
      const v = row[j];
      if (typeof v !== 'number' || Number.isNaN(v)) {
        throw new InvalidArgumentError(`${name}[${i}][${j}]`, v, 'a number (not NaN)');
      }
      if (v > row[best]!) best = j;
    }
    ids[i] = best;
  }
  return ids;
}

/**
 * Checks one input on the host, before any device work: shape, dtype, and for host arrays
 * every value. Host score rows are reduced to ids here; tensors stay on the device.
 */
export function prepareInput(name: string, x: unknown, numClasses: number | undefined): Prepared {
  if (x instanceof tf.Tensor) {
    if (x.isDisposed) throw new InvalidArgumentError(name, 'a disposed tensor', 'a live tensor');
    if (x.dtype === 'string' || x.dtype === 'complex64') {
      throw new InvalidArgumentError(`${name}.dtype`, x.dtype, "'int32', 'float32' or 'bool'");
    }
    if (x.rank !== 1 && x.rank !== 2) {
      throw new InvalidArgumentError(
        `${name}.shape`,
        x.shape,
        'rank 1 [N] (class ids) or rank 2 [N, K] (scores)',
      );
    }
    if (x.rank === 2 && numClasses !== undefined && x.shape[1] !== numClasses) {
      throw new InvalidArgumentError(
        `${name}.shape`,
        x.shape,
        `[N, ${numClasses}] (numClasses columns)`,
      );
    }
    return x.rank === 2
      ? { kind: 'tensor', n: x.shape[0]!, tensor: x, width: x.shape[1]! }
      : { kind: 'tensor', n: x.shape[0]!, tensor: x };
  }
  if (x === null || typeof x !== 'object' || typeof (x as ArrayLike<unknown>).length !== 'number') {
    throw new InvalidArgumentError(
      name,
      x,
      'a tensor, an array of class ids or an array of score rows',
    );
  }
  const arr = x as ArrayLike<unknown>;
  if (isRowArray(arr)) {
    const ids = hostArgmax(name, arr, numClasses);
    return { kind: 'host', n: ids.length, ids, width: arr[0]!.length };
  }
  const ids = hostIds(name, arr as ArrayLike<number>, numClasses);
  return { kind: 'host', n: ids.length, ids };
}

/** Both inputs checked, with equal non-empty lengths (empty allowed when `allowEmpty`). */
export function preparePair(
  yTrue: unknown,
  yPred: unknown,
  numClasses: number | undefined,
  allowEmpty = false,
): [Prepared, Prepared] {
  const t = prepareInput('yTrue', yTrue, numClasses);
  const p = prepareInput('yPred', yPred, numClasses);
  if (p.n !== t.n)
    throw new InvalidArgumentError('yPred length', p.n, `equal to yTrue's length (${t.n})`);
  // Two score inputs must score the same classes (numClasses, when given, was checked above).
  if (t.width !== undefined && p.width !== undefined && p.width !== t.width)
    throw new InvalidArgumentError(
      'yPred scores per row',
      p.width,
      `equal to yTrue's (${t.width}): both [N, K] over the same K classes`,
    );
  if (!allowEmpty && t.n === 0)
    throw new InvalidArgumentError('yTrue length', 0, 'at least 1 sample');
  if (t.n > MAX_BATCH)
    throw new InvalidArgumentError(
      'yTrue length',
      t.n,
      `at most ${MAX_BATCH} per call (float32 counts are exact below 2^24)`,
    );
  return [t, p];
}

/**
 * Row-wise argmax of `[N, K]` scores as numpy's and torch's: the first maximum wins and NaN
 * counts as the maximum (a row with NaN gives its first NaN's index). tfjs' own argMax skips
 * NaN unless it comes first, so a diverged model's NaN logits would land on arbitrary classes.
 */
function scoreArgmax(x: tf.Tensor): tf.Tensor1D {
  const best = tf.argMax(x, 1) as tf.Tensor1D;
  if (x.dtype !== 'float32') return best;
  const nan = tf.isNaN(x);
  return tf.where(tf.any(nan, 1), tf.argMax(tf.cast(nan, 'int32'), 1), best) as tf.Tensor1D;
}

/**
 * Device stage: int32 ids `[N]` and the number of invalid ids (outside `[0, K)`, not integer,
 * NaN) as an int32 scalar, without reading anything back. Call inside `tf.tidy`.
 */
export function deviceIds(
  input: Prepared,
  numClasses: number,
): { ids: tf.Tensor1D; invalid: tf.Scalar } {
  if (input.kind === 'host') {
    return { ids: tf.tensor1d(input.ids, 'int32'), invalid: tf.scalar(0, 'int32') };
  }
  const x = input.tensor;
  if (x.rank === 2) return { ids: scoreArgmax(x), invalid: tf.scalar(0, 'int32') };
  const asNumber = x.dtype === 'bool' ? tf.cast(x, 'int32') : x;
  let bad = tf.logicalOr(tf.less(asNumber, 0), tf.greaterEqual(asNumber, numClasses));
  // NaN compares false above but unequal to its own floor, so it is caught here too.
  if (asNumber.dtype === 'float32')
    bad = tf.logicalOr(bad, tf.notEqual(asNumber, tf.floor(asNumber)));
  return {
    ids: tf.cast(asNumber, 'int32') as tf.Tensor1D,
    invalid: tf.sum(tf.cast(bad, 'int32')) as tf.Scalar,
  };
}

/** Throws for invalid ids counted on the device (read back together with the results). */
export function throwIfInvalid(invalidTrue: number, invalidPred: number, numClasses: number): void {
  const [name, count] = invalidTrue > 0 ? ['yTrue', invalidTrue] : ['yPred', invalidPred];
  if (count > 0) {
    throw new InvalidArgumentError(
      `${name} class ids`,
      `${count} ids outside [0, ${numClasses - 1}] or not integers`,
      `integers in [0, ${numClasses - 1}]`,
    );
  }
}
