import { checkNumber, InvalidArgumentError } from '@overfit/core';
import { summarize } from './summarize.js';

/** A scalar mean and standard deviation. */
export interface MeanStd {
  mean: number;
  std: number;
}

/**
 * Mean and population standard deviation of `values`, accumulated in float64 in two passes
 * (mean first, then squared deviations, which avoids the cancellation of `E[x²] − E[x]²`):
 *
 * `mean = Σx / n`, `std = sqrt(Σ(x − mean)² / n)`.
 *
 * Feature standardization must use statistics of the training split only, then apply them to
 * validation and test data unchanged (see {@link standardize}).
 *
 * @throws {InvalidArgumentError} when `values` is empty or holds a non-finite value
 * @example
 * computeMeanStd([1, 2, 3, 4]); // { mean: 2.5, std: 1.118033988749895 }
 */
export function computeMeanStd(values: ArrayLike<number>): MeanStd {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw new InvalidArgumentError('values', values, 'an array or typed array of numbers');
  }
  const n = values.length;
  if (n === 0)
    throw new InvalidArgumentError('values', summarize(values), 'a non-empty array of numbers');
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new InvalidArgumentError(`values[${i}]`, v, 'a finite number');
    sum += v;
  }
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean;
    squares += d * d;
  }
  return { mean, std: Math.sqrt(squares / n) };
}

/**
 * Standardizes `values` with given statistics: `out[i] = (values[i] − mean) / std`.
 *
 * @param out where to write (default a new Float32Array); may be `values` itself to work in place
 * @throws {InvalidArgumentError} when `mean` is not finite, `std` is not > 0, or `out` has
 *   another length than `values`
 * @example
 * const { mean, std } = computeMeanStd(train);
 * const testStd = standardize(test, { mean, std });
 */
export function standardize(
  values: ArrayLike<number>,
  stats: MeanStd,
  out: Float32Array = new Float32Array(values.length),
): Float32Array {
  const mean = checkNumber('stats.mean', stats?.mean);
  const std = checkNumber('stats.std', stats?.std, { min: 0, minInclusive: false });
  if (!(out instanceof Float32Array) || out.length !== values.length) {
    throw new InvalidArgumentError(
      'out',
      summarize(out),
      `a Float32Array of length ${values.length}`,
    );
  }
  // Multiplying by the reciprocal would round differently from the division the formula states.
  for (let i = 0; i < values.length; i++) out[i] = (values[i]! - mean) / std;
  return out;
}
