import { checkInteger, checkNumber, checkOneOf, InvalidArgumentError } from '@overfit/core';

/** How per-class scores are combined (sklearn's `average`); `'none'` keeps one score per class. */
export type Average = 'macro' | 'micro' | 'weighted' | 'none';

/** The value a score takes when its denominator is zero (sklearn's `zero_division`). */
export type ZeroDivision = 0 | 1;

/** `number[]` for `average: 'none'`, a single number otherwise. */
export type AverageResult<A extends Average> = A extends 'none' ? number[] : number;

export const AVERAGES: readonly Average[] = ['macro', 'micro', 'weighted', 'none'];

/** Per-batch counts go through a float32 matmul, exact below 2^24. */
export const MAX_BATCH = 2 ** 24;

export function checkNumClasses(value: unknown, argument = 'options.numClasses'): number {
  return checkInteger(argument, value, { min: 2, max: 2 ** 16 });
}

export function checkAverage(value: unknown, argument = 'options.average'): Average {
  return value === undefined ? 'macro' : checkOneOf(argument, value, AVERAGES);
}

export function checkZeroDivision(value: unknown, argument = 'options.zeroDivision'): ZeroDivision {
  if (value === undefined) return 0;
  if (value !== 0 && value !== 1) throw new InvalidArgumentError(argument, value, '0 or 1');
  return value;
}

/**
 * sklearn's `labels`: distinct class ids in `[0, K)`, in the order results are given; `undefined`
 * when not set (all K classes in order).
 */
export function checkLabels(
  value: unknown,
  numClasses: number,
  argument = 'options.labels',
): number[] | undefined {
  if (value === undefined || value === null) return undefined;
  const allowed = `a non-empty array of distinct integer class ids in [0, ${numClasses - 1}]`;
  if (!Array.isArray(value) || value.length === 0)
    throw new InvalidArgumentError(argument, value, allowed);
  const seen = new Set<number>();
  value.forEach((v: unknown, i) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= numClasses || seen.has(v))
      throw new InvalidArgumentError(`${argument}[${i}]`, v, allowed);
    seen.add(v);
  });
  return [...(value as number[])];
}

/** `labels` of the scores: {@link checkLabels}' ids, or `'present'` (sklearn's `labels=None`). */
export type ScoreLabels = readonly number[] | 'present';

export function checkScoreLabels(
  value: unknown,
  numClasses: number,
  argument = 'options.labels',
): number[] | 'present' | undefined {
  return value === 'present' ? 'present' : checkLabels(value, numClasses, argument);
}

export function checkBeta(value: unknown, argument = 'options.beta'): number {
  return checkNumber(argument, value, { min: 0 });
}

/** An options object must be given (it carries the required `numClasses`). */
export function requireOptions<T extends object>(options: T | undefined, argument = 'options'): T {
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError(argument, options, 'an options object with numClasses');
  }
  return options;
}
