import { InvalidArgumentError } from './errors.js';

/** Bounds of a numeric range; a bound left out is unbounded. */
export interface NumberRange {
  min?: number;
  max?: number;
  /** default true */
  minInclusive?: boolean;
  /** default true */
  maxInclusive?: boolean;
  integer?: boolean;
}

function rangeText(range: NumberRange, value: unknown): string {
  // "x must be a number >= 0, got Infinity" would contradict itself: say finite where it matters.
  const finite = typeof value === 'number' && !Number.isFinite(value) && !Number.isNaN(value);
  const noun = range.integer ? 'integer' : 'number';
  const kind = finite ? `a finite ${noun}` : range.integer ? 'an integer' : 'a number';
  const { min, max } = range;
  if (min === undefined && max === undefined)
    return `a finite ${range.integer ? 'integer' : 'number'}`;
  const lo = range.minInclusive === false ? '(' : '[';
  const hi = range.maxInclusive === false ? ')' : ']';
  if (max === undefined) return `${kind} ${range.minInclusive === false ? '>' : '>='} ${min}`;
  if (min === undefined) return `${kind} ${range.maxInclusive === false ? '<' : '<='} ${max}`;
  return `${kind} in ${lo}${min}, ${max}${hi}`;
}

/**
 * Checks that `value` is a finite number inside `range` and returns it, or throws an
 * {@link InvalidArgumentError} naming `argument`, the value and the allowed range. Only a
 * `number` passes: not a numeric string (`'0.5'`), a boolean, a bigint or a one-element array;
 * NaN and ±Infinity never pass (-0 does, as 0).
 *
 * @example checkNumber('rate', 1.2, { min: 0, max: 1, maxInclusive: false })
 * // throws: rate must be a number in [0, 1), got 1.2
 */
export function checkNumber(argument: string, value: unknown, range: NumberRange = {}): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!range.integer || Number.isInteger(value)) &&
    (range.min === undefined ||
      (range.minInclusive === false ? value > range.min : value >= range.min)) &&
    (range.max === undefined ||
      (range.maxInclusive === false ? value < range.max : value <= range.max));
  if (!ok) throw new InvalidArgumentError(argument, value, rangeText(range, value));
  return value as number;
}

/**
 * An integer, >= 1 unless `range` sets `min` (`{ max: 10 }` is [1, 10]; `{ min: undefined }`
 * has no lower bound).
 *
 * @example checkInteger('epochs', 0) // throws: epochs must be an integer >= 1, got 0
 */
export function checkInteger(
  argument: string,
  value: unknown,
  range: Omit<NumberRange, 'integer'> = {},
): number {
  return checkNumber(argument, value, { min: 1, ...range, integer: true });
}

/** A probability-like rate in [0, 1) (dropout) or [0, 1] when `closed`. */
export function checkRate(argument: string, value: unknown, closed = false): number {
  return checkNumber(argument, value, { min: 0, max: 1, maxInclusive: closed });
}

/** One of a fixed list of strings. */
export function checkOneOf<T extends string>(
  argument: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(
      argument,
      value,
      `one of ${allowed.map((a) => `'${a}'`).join(', ')}`,
    );
  }
  return value as T;
}

/** A boolean. */
export function checkBoolean(argument: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new InvalidArgumentError(argument, value, 'true or false');
  return value;
}

/** A seed: an integer (any sign) that fits in 32 bits after truncation. */
export function checkSeed(argument: string, value: unknown): number {
  return checkNumber(argument, value, { integer: true, min: -(2 ** 53), max: 2 ** 53 });
}

/** Rejects option keys the callee does not know, so typos fail loudly (`{ lamda: 0.1 }`). */
export function checkKnownKeys(
  argument: string,
  options: object | undefined,
  known: readonly string[],
): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidArgumentError(argument, options, 'an options object');
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new InvalidArgumentError(
        `${argument}.${key}`,
        (options as Record<string, unknown>)[key],
        `not set: '${key}' is not an option (${known.length ? `known: ${known.join(', ')}` : 'there are none'})`,
      );
    }
  }
}
