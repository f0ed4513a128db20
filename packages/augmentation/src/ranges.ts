import { checkNumber, InvalidArgumentError } from '@overfit/core';

/** A closed interval `[lo, hi]`. */
export type Range = [number, number];

/** Either a single number (expanded as the transform documents) or an explicit `[lo, hi]`. */
export type RangeArg = number | readonly [number, number];

/**
 * Normalizes a range argument: `[lo, hi]` is taken as is; a number `v` becomes
 * `expand(v)` (e.g. `[-v, v]` for degrees, `[1 - v, 1 + v]` for a factor). Both bounds are
 * then checked against `bounds`.
 */
export function toRange(
  argument: string,
  value: unknown,
  expand: (v: number) => Range,
  bounds: { min?: number; max?: number } = {},
): Range {
  let range: Range;
  if (typeof value === 'number') {
    checkNumber(argument, value, { min: 0 });
    range = expand(value);
  } else if (
    Array.isArray(value) &&
    value.length === 2 &&
    value.every((v) => typeof v === 'number' && Number.isFinite(v))
  ) {
    range = [value[0] as number, value[1] as number];
  } else {
    throw new InvalidArgumentError(
      argument,
      value,
      'a number >= 0 or a [min, max] pair of numbers',
    );
  }
  if (range[0] > range[1])
    throw new InvalidArgumentError(argument, value, 'a range with min <= max');
  const lo = bounds.min ?? -Infinity;
  const hi = bounds.max ?? Infinity;
  if (range[0] < lo || range[1] > hi) {
    throw new InvalidArgumentError(argument, value, `within [${lo}, ${hi}]`);
  }
  return range;
}

/** `v -> [-v, v]`. */
export const symmetric = (v: number): Range => [-v, v];
/** `v -> [max(0, 1 - v), 1 + v]` (torchvision's factor ranges). */
export const aroundOne = (v: number): Range => [Math.max(0, 1 - v), 1 + v];
/** `v -> [v, v]`. */
export const exactly = (v: number): Range => [v, v];
