/**
 * The names of an error's overfit classes, most derived first (`['InvalidArgumentError',
 * 'OverfitError']`), kept on every instance under a registered symbol so that another copy of
 * this module (the CJS build next to the ESM one, a bundled duplicate) recognizes it.
 */
const CLASS_NAMES = Symbol.for('@overfit/core/error-class-names');

type ErrorClass = abstract new (...args: never[]) => unknown;

/**
 * A class's error name: the one it spells out on its prototype (core's classes do, so a
 * minifier renaming classes changes nothing), else the class's own name.
 */
function errorName(cls: ErrorClass): string {
  const own = Object.getOwnPropertyDescriptor(cls.prototype, 'name');
  return typeof own?.value === 'string' ? own.value : cls.name;
}

/** Gives a core error class its name on the prototype (see {@link errorName}). */
function named(cls: ErrorClass, name: string): void {
  Object.defineProperty(cls.prototype, 'name', { value: name, writable: true, configurable: true });
}

/**
 * Base class of every error overfit throws. Catch this to handle any overfit failure;
 * `instanceof` works across the subclasses below, and also for an error thrown by another
 * copy of `@overfit/core` (its CJS build loaded next to the ESM one, or a bundled duplicate):
 * there an error is an instance of a class when its own classes include one of the same name.
 * `name` is the class name (`'InvalidArgumentError'`), minified builds included.
 *
 * @example
 * try { checkRate('rate', 1.2); } catch (e) { if (e instanceof OverfitError) console.error(e.message); }
 */
export class OverfitError extends Error {
  static {
    named(this, 'OverfitError');
  }

  constructor(message: string) {
    super(message);
    this.name = errorName(new.target);
    const names: string[] = [];
    for (
      let cls = new.target as unknown as ErrorClass;
      cls !== Error && typeof cls === 'function';
      cls = Object.getPrototypeOf(cls)
    )
      names.push(errorName(cls));
    Object.defineProperty(this, CLASS_NAMES, { value: names });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (value === null || typeof value !== 'object') return false;
    const names = (value as { [CLASS_NAMES]?: unknown })[CLASS_NAMES];
    return Array.isArray(names) && names.includes(errorName(this));
  }
}

/** A function argument or option is outside what is allowed. Thrown before any work starts. */
export class InvalidArgumentError extends OverfitError {
  static {
    named(this, 'InvalidArgumentError');
  }

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
export class ShapeError extends OverfitError {
  static {
    named(this, 'ShapeError');
  }
}

/** A loss, gradient or statistic became NaN or ±Infinity. */
export class NonFiniteError extends OverfitError {
  static {
    named(this, 'NonFiniteError');
  }

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
export class UnsupportedBackendError extends OverfitError {
  static {
    named(this, 'UnsupportedBackendError');
  }
}

/** Data files are missing, truncated or of the wrong format. */
export class DataFormatError extends OverfitError {
  static {
    named(this, 'DataFormatError');
  }
}

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
