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
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class (self-references make esbuild rename it)
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

  // biome-ignore-start lint/complexity/noThisInStatic: `this` is the class instanceof asks about (a subclass)
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (value === null || typeof value !== 'object') return false;
    const names = (value as { [CLASS_NAMES]?: unknown })[CLASS_NAMES];
    return Array.isArray(names) && names.includes(errorName(this));
  }
  // biome-ignore-end lint/complexity/noThisInStatic: see above
}

/** A function argument or option is outside what is allowed. Thrown before any work starts. */
export class InvalidArgumentError extends OverfitError {
  static {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class (self-references make esbuild rename it)
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
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class (self-references make esbuild rename it)
    named(this, 'ShapeError');
  }
}

/** A loss, gradient or statistic became NaN or ±Infinity. */
export class NonFiniteError extends OverfitError {
  static {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class (self-references make esbuild rename it)
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
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class (self-references make esbuild rename it)
    named(this, 'UnsupportedBackendError');
  }
}

/** Data files are missing, truncated or of the wrong format. */
export class DataFormatError extends OverfitError {
  static {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class (self-references make esbuild rename it)
    named(this, 'DataFormatError');
  }
}

/** Longest rendering {@link describeValue} gives before cutting it short with `...`. */
const MAX_DESCRIPTION = 80;

/** `a float32 tensor`, `an int32 tensor`. */
const withArticle = (noun: string) => `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;

function isTensorLike(value: object): value is { dtype: string; shape: number[] } {
  const t = value as { dtype?: unknown; shape?: unknown; dataId?: unknown };
  return typeof t.dtype === 'string' && Array.isArray(t.shape) && t.dataId !== undefined;
}

/** JSON-like text that keeps what JSON would lose (NaN, ±Infinity, -0, undefined, bigint). */
function render(value: unknown, seen: Set<object>): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'boolean' || value === undefined || value === null) return String(value);
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return 'a function';
  const obj = value as object;
  if (seen.has(obj)) return '[Circular]';
  if (isTensorLike(obj))
    return `${withArticle(`${obj.dtype} tensor`)} of shape [${obj.shape.join(', ')}]`;
  if (obj instanceof RegExp) return String(obj);
  if (ArrayBuffer.isView(obj) && !(obj instanceof DataView)) {
    const items = Array.from(obj as unknown as ArrayLike<number | bigint>, (v) => render(v, seen));
    return `${obj.constructor.name} [${items.join(',')}]`;
  }
  seen.add(obj);
  try {
    if (Array.isArray(obj)) return `[${obj.map((v) => render(v, seen)).join(',')}]`;
    const proto = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null)
      return withArticle(proto?.constructor?.name || 'object');
    const entries = Object.entries(obj).map(([k, v]) => `${JSON.stringify(k)}:${render(v, seen)}`);
    return `{${entries.join(',')}}`;
  } finally {
    seen.delete(obj);
  }
}

/**
 * Renders a value for an error message: strings quoted (so `"0.5"` reads as a string), numbers
 * as JavaScript prints them (`NaN`, `-Infinity`, `-0`, also inside arrays and objects, where
 * JSON would print `null`), bigints with `n`, arrays and plain objects as short JSON-like text,
 * typed arrays with their type, tensors by dtype and shape, class instances by class; cut at
 * 80 characters.
 *
 * @example describeValue([1, Number.NaN]) // '[1,NaN]'
 */
export function describeValue(value: unknown): string {
  let text: string;
  try {
    text = render(value, new Set());
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > MAX_DESCRIPTION ? `${text.slice(0, MAX_DESCRIPTION - 3)}...` : text;
}
