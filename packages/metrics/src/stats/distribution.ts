import {
  checkInteger,
  checkKnownKeys,
  checkNumber,
  InvalidArgumentError,
  NonFiniteError,
} from '@overfit/core';
import type * as tf from '@tensorflow/tfjs-core';
import { checkTensor } from './checks.js';

/** Options of {@link distributionSummary}. */
export interface DistributionOptions {
  /** Histogram bins (integer in [1, 10000]); default 30. */
  bins?: number;
  /** Most outliers listed (integer >= 0); default 20. `outlierCount` has the full count. */
  maxOutliers?: number;
  /** Whisker reach in IQRs (number >= 0); default 1.5. */
  whisker?: number;
}

/** Box-plot statistics and a histogram of a tensor's finite values (plain JSON). */
export interface DistributionSummary {
  /** Number of finite values summarized. */
  count: number;
  /** Number of NaN / ±Infinity values left out. */
  nonFiniteCount: number;
  min: number;
  /** 25th percentile (numpy's default linear interpolation). */
  q1: number;
  median: number;
  /** 75th percentile. */
  q3: number;
  max: number;
  mean: number;
  /** Population standard deviation (`np.std`, ddof = 0). */
  std: number;
  /** Smallest value >= q1 - whisker * IQR (q1 if none is <= q1). */
  whiskerLow: number;
  /** Largest value <= q3 + whisker * IQR (q3 if none is >= q3). */
  whiskerHigh: number;
  /** Values beyond the whiskers, ascending; at most `maxOutliers`, evenly sampled (ends kept). */
  outliers: number[];
  /** Number of values beyond the whiskers. */
  outlierCount: number;
  /** `np.histogram(values, bins)`: `bins + 1` edges; bins half-open except the last. */
  histogram: { edges: number[]; counts: number[] };
}

/**
 * `np.percentile(sorted, p)` with the 'linear' method, including numpy's two-sided lerp
 * (`b - (b - a)(1 - t)` for t >= 0.5) so results agree to the last bit.
 */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  const h = (sorted.length - 1) * (p / 100);
  const lo = Math.floor(h);
  const t = h - lo;
  const a = sorted[lo]!;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)]!;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** `np.histogram(values, bins)` on sorted finite values: numpy's edges and bin assignment. */
export function histogramSorted(
  sorted: ArrayLike<number>,
  bins: number,
): { edges: number[]; counts: number[] } {
  let first = sorted[0]!;
  let last = sorted[sorted.length - 1]!;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  // np.linspace(first, last, bins + 1): i * step + first, last edge set exactly.
  const step = (last - first) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => i * step + first);
  edges[bins] = last;
  const counts = new Array<number>(bins).fill(0);
  const norm = bins / (last - first);
  for (let n = 0; n < sorted.length; n++) {
    const v = sorted[n]!;
    let i = Math.trunc((v - first) * norm);
    if (i === bins) i -= 1;
    // numpy's corrections for rounding in the multiply above.
    if (v < edges[i]!) i -= 1;
    else if (i !== bins - 1 && v >= edges[i + 1]!) i += 1;
    counts[i]! += 1;
  }
  return { edges, counts };
}

/** At most `max` items of an ascending list, evenly spaced, first and last kept. */
function sampleEvenly(items: number[], max: number): number[] {
  if (items.length <= max) return items;
  if (max === 0) return [];
  if (max === 1) return [items[items.length - 1]!];
  return Array.from(
    { length: max },
    (_, i) => items[Math.round((i * (items.length - 1)) / (max - 1))]!,
  );
}

/** The host stage: summary of ascending finite values. */
export function summarizeSorted(
  sorted: Float64Array,
  nonFiniteCount: number,
  o: Required<DistributionOptions>,
): DistributionSummary {
  const n = sorted.length;
  const q1 = percentileSorted(sorted, 25);
  const median = percentileSorted(sorted, 50);
  const q3 = percentileSorted(sorted, 75);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (sorted[i]! - mean) ** 2;
  // matplotlib.cbook.boxplot_stats' whisker rule.
  const iqr = q3 - q1;
  const loLimit = q1 - o.whisker * iqr;
  const hiLimit = q3 + o.whisker * iqr;
  let lowest = Number.NaN;
  for (let i = 0; i < n; i++) {
    if (sorted[i]! >= loLimit) {
      lowest = sorted[i]!;
      break;
    }
  }
  let highest = Number.NaN;
  for (let i = n - 1; i >= 0; i--) {
    if (sorted[i]! <= hiLimit) {
      highest = sorted[i]!;
      break;
    }
  }
  const whiskerLow = Number.isNaN(lowest) || lowest > q1 ? q1 : lowest;
  const whiskerHigh = Number.isNaN(highest) || highest < q3 ? q3 : highest;
  const outliers: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = sorted[i]!;
    if (v < whiskerLow || v > whiskerHigh) outliers.push(v);
  }
  return {
    count: n,
    nonFiniteCount,
    min: sorted[0]!,
    q1,
    median,
    q3,
    max: sorted[n - 1]!,
    mean,
    std: Math.sqrt(squares / n),
    whiskerLow,
    whiskerHigh,
    outliers: sampleEvenly(outliers, o.maxOutliers),
    outlierCount: outliers.length,
    histogram: histogramSorted(sorted, o.bins),
  };
}

export function checkDistributionOptions(
  options: DistributionOptions | undefined,
): Required<DistributionOptions> {
  checkKnownKeys('options', options, ['bins', 'maxOutliers', 'whisker']);
  const o = options ?? {};
  return {
    bins: o.bins === undefined ? 30 : checkInteger('options.bins', o.bins, { min: 1, max: 10_000 }),
    maxOutliers:
      o.maxOutliers === undefined
        ? 20
        : checkInteger('options.maxOutliers', o.maxOutliers, { min: 0 }),
    whisker: o.whisker === undefined ? 1.5 : checkNumber('options.whisker', o.whisker, { min: 0 }),
  };
}

/**
 * Box-plot statistics, moments and a histogram of all values of a tensor (activations or
 * gradients of a layer), with one host read: the values are read once and sorted on the
 * host (O(n log n); a 784x256 kernel takes milliseconds), which keeps quantiles exact.
 *
 * - quantiles: `np.percentile(x, [25, 50, 75])` (linear interpolation)
 * - whiskers / outliers: matplotlib's `boxplot` rule with `whis = whisker`
 * - mean and population std, histogram as `np.histogram(x, bins)`
 *
 * NaN / ±Infinity values are left out and counted in `nonFiniteCount`; a tensor with no
 * finite value throws a `NonFiniteError` (after the read).
 *
 * @example
 * const s = await distributionSummary(layerGrad, { bins: 20 });
 * // { count, min, q1, median, q3, max, mean, std, whiskerLow, whiskerHigh, outliers, ... }
 */
export async function distributionSummary(
  values: tf.Tensor,
  options?: DistributionOptions,
): Promise<DistributionSummary> {
  const x = checkTensor('values', values);
  const o = checkDistributionOptions(options);
  if (x.size === 0) throw new InvalidArgumentError('values.size', 0, 'at least 1 element');
  const data = await x.data();
  const finite = new Float64Array(data.length);
  let n = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    if (Number.isFinite(v)) finite[n++] = v;
  }
  if (n === 0)
    throw new NonFiniteError('values', undefined, `all ${data.length} values are NaN or ±Infinity`);
  const sorted = finite.subarray(0, n).sort();
  return summarizeSorted(sorted, data.length - n, o);
}
