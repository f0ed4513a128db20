/**
 * Base class of every error overfit throws. Catch this to handle any overfit failure;
 * `instanceof` works across the subclasses below.
 */
export class OverfitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A function argument or option is outside what is allowed. Thrown before any work starts. */
export class InvalidArgumentError extends OverfitError {
  /**
   * @param argument the argument's name as the caller wrote it (`rate`, `options.epochs`)
   * @param value the value received
   * @param allowed what would have been accepted (`a number in [0, 1)`)
   */
  constructor(
    readonly argument: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`${argument} must be ${allowed}, got ${describeValue(value)}`);
  }
}

/** Tensor shapes do not fit together. */
export class ShapeError extends OverfitError {}

/** A loss, gradient or statistic became NaN or ±Infinity. */
export class NonFiniteError extends OverfitError {
  constructor(
    readonly what: string,
    readonly step: number | undefined,
    detail = '',
  ) {
    super(
      `${what} is not finite${step === undefined ? '' : ` at step ${step}`}${detail ? `: ${detail}` : ''}`,
    );
  }
}

/** The active backend cannot do what was asked (names the backends that can). */
export class UnsupportedBackendError extends OverfitError {}

/** Data files are missing, truncated or of the wrong format. */
export class DataFormatError extends OverfitError {}

/** Renders a value for an error message: strings quoted, arrays and objects as short JSON. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'function') return `a function`;
  try {
    const json = JSON.stringify(value);
    return json.length > 80 ? `${json.slice(0, 77)}...` : json;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
