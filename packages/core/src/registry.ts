import { InvalidArgumentError } from './errors.js';

/**
 * One serialization registry for every configurable overfit object. Each class (or named
 * factory) registers itself in the module that defines it, with the function that rebuilds it
 * from its `getConfig()` output; {@link serialize} / {@link deserialize} then round-trip any of
 * them as plain JSON, and tools that list "every transform" or "every penalty" (the
 * augmentation spec parser, RandAugment, a UI) read the registry instead of keeping a list.
 */

/** What the registry holds, by role. */
export type RegistryKind =
  | 'penalty'
  | 'constraint'
  | 'transform'
  | 'metric'
  | 'callback'
  | 'optimizer'
  | 'schedule'
  | 'layer';

/** The kinds, in a fixed order (for messages and listings). */
export const REGISTRY_KINDS: readonly RegistryKind[] = [
  'penalty',
  'constraint',
  'transform',
  'metric',
  'callback',
  'optimizer',
  'schedule',
  'layer',
];

/** Anything with a JSON description of its options. */
export interface Configurable {
  getConfig(): object;
  /** The registered name; classes without it are found by their constructor. */
  getClassName?(): string;
}

/** What {@link serialize} returns: Keras' `{ className, config }`. */
export interface SerializedObject {
  className: string;
  config: Record<string, unknown>;
}

/** One registered name. */
export interface RegistryEntry<T = unknown> {
  readonly name: string;
  readonly kind: RegistryKind;
  /** Rebuilds an instance from `getConfig()`'s output. */
  readonly fromConfig: (config: Record<string, unknown>) => T;
  /** The class whose instances {@link serialize} finds by constructor (optional). */
  readonly cls: (abstract new (...args: never[]) => unknown) | undefined;
  /** What other tools read (e.g. a transform's spec aliases and positional options). */
  readonly meta: Readonly<Record<string, unknown>>;
}

/** Options of {@link register}. */
export interface RegisterOptions {
  /** Instances of this class serialize under the name (when they have no `getClassName`). */
  cls?: abstract new (
    ...args: never[]
  ) => unknown;
  /** Extra facts for other tools (default `{}`). */
  meta?: Record<string, unknown>;
}

interface Registry {
  byName: Map<string, RegistryEntry>;
  byClass: Map<unknown, RegistryEntry>;
}

// One registry per process even when two copies of core are loaded (a bundler duplicating it):
// a class registered through one copy must be found through the other.
const KEY = Symbol.for('@overfit/core/registry');
const registry: Registry = ((globalThis as Record<symbol, unknown>)[KEY] as
  | Registry
  | undefined) ?? { byName: new Map(), byClass: new Map() };
(globalThis as Record<symbol, unknown>)[KEY] = registry;

/**
 * Registers a name: `fromConfig(config)` must rebuild an equivalent object from the object's
 * `getConfig()`. Registering the same name again replaces the entry only for the same class
 * (a module evaluated twice); another class under a taken name throws.
 *
 * @throws InvalidArgumentError for an empty name, an unknown kind, a taken name
 * @example
 * register('OverfitMaxNorm', 'constraint', (c) => new MaxNorm(c), { cls: MaxNorm });
 */
export function register<T>(
  name: string,
  kind: RegistryKind,
  fromConfig: (config: Record<string, unknown>) => T,
  options: RegisterOptions = {},
): void {
  if (typeof name !== 'string' || name.length === 0)
    throw new InvalidArgumentError('name', name, 'a non-empty string');
  if (!REGISTRY_KINDS.includes(kind))
    throw new InvalidArgumentError('kind', kind, `one of ${REGISTRY_KINDS.join(', ')}`);
  if (typeof fromConfig !== 'function')
    throw new InvalidArgumentError('fromConfig', fromConfig, 'a function (config) => object');
  const taken = registry.byName.get(name);
  if (taken !== undefined && (taken.kind !== kind || taken.cls?.name !== options.cls?.name)) {
    throw new InvalidArgumentError(
      'name',
      name,
      `a name not yet registered (it is a registered ${taken.kind})`,
    );
  }
  const entry: RegistryEntry<T> = {
    name,
    kind,
    fromConfig,
    cls: options.cls,
    meta: Object.freeze({ ...(options.meta ?? {}) }),
  };
  registry.byName.set(name, entry);
  if (options.cls !== undefined) registry.byClass.set(options.cls, entry);
}

/**
 * The registered entries, in registration order; only those of `kind` when given.
 *
 * @example registered('transform').map((e) => e.name) // ['horizontalFlip', ...]
 */
export function registered(kind?: RegistryKind): RegistryEntry[] {
  const all = [...registry.byName.values()];
  return kind === undefined ? all : all.filter((e) => e.kind === kind);
}

/** The entry of a registered name, or `undefined`. */
export function registryEntry(name: string): RegistryEntry | undefined {
  return registry.byName.get(name);
}

function entryOf(obj: Configurable): RegistryEntry | undefined {
  if (typeof obj.getClassName === 'function') {
    const named = registry.byName.get(obj.getClassName());
    if (named !== undefined) return named;
  }
  for (
    let proto = Object.getPrototypeOf(obj);
    proto !== null;
    proto = Object.getPrototypeOf(proto)
  ) {
    const entry = registry.byClass.get(proto.constructor);
    if (entry !== undefined) return entry;
  }
  return undefined;
}

/**
 * The name `obj` is registered under (by `getClassName()` or its class), or `undefined`.
 *
 * @example registeredName(new F1Score({ numClasses: 10 })) // 'F1Score'
 */
export function registeredName(obj: unknown): string | undefined {
  if (obj === null || typeof obj !== 'object') return undefined;
  return entryOf(obj as Configurable)?.name;
}

/**
 * The path and value of the first thing in `value` that JSON cannot carry as it is (NaN and
 * ±Infinity become `null`, functions vanish, bigints and cycles throw), or `undefined`.
 * `undefined` members are fine: they mean "the default" and are left out.
 */
function nonJson(value: unknown, path: string, seen: Set<object>): [string, unknown] | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : [path, value];
  if (typeof value === 'bigint' || typeof value === 'function' || typeof value === 'symbol')
    return [path, value];
  if (value === null || typeof value !== 'object') return undefined;
  if (seen.has(value)) return [path, 'a reference cycle'];
  seen.add(value);
  const entries = Array.isArray(value)
    ? value.map((v, i) => [`${path}[${i}]`, v] as const)
    : Object.entries(value).map(([k, v]) => [`${path}.${k}`, v] as const);
  for (const [at, v] of entries) {
    if (v === undefined && !Array.isArray(value)) continue;
    const bad = v === undefined ? ([at, v] as [string, unknown]) : nonJson(v, at, seen);
    if (bad) return bad;
  }
  seen.delete(value);
  return undefined;
}

/**
 * `{ className, config }` of a registered object: plain JSON (`JSON.stringify` safe), read
 * back by {@link deserialize}.
 *
 * @throws InvalidArgumentError when the object's class is not registered, or when its config
 * holds what JSON would change (NaN or ±Infinity, which JSON turns into `null`; a function; a
 * bigint; a cycle), naming the config path
 * @example const json = JSON.stringify(serialize(l2(1e-4)));
 */
export function serialize(obj: Configurable): SerializedObject {
  const entry =
    obj !== null && typeof obj === 'object' && typeof obj.getConfig === 'function'
      ? entryOf(obj)
      : undefined;
  if (entry === undefined) {
    throw new InvalidArgumentError(
      'obj',
      obj,
      'an object of a registered class with getConfig() (see registered())',
    );
  }
  const raw = obj.getConfig();
  const bad = nonJson(raw, `${entry.name} config`, new Set());
  if (bad !== undefined) {
    throw new InvalidArgumentError(
      bad[0],
      bad[1],
      'JSON data (finite numbers, strings, booleans, null, arrays, plain objects) to be serialized',
    );
  }
  // A JSON round trip: the config must be plain data, and the caller gets its own copy.
  const config = JSON.parse(JSON.stringify(raw)) as Record<string, unknown>;
  return { className: entry.name, config };
}

/**
 * Rebuilds an object from {@link serialize}'s output (or its JSON text). With `kind`, the
 * name must be of that kind.
 *
 * @throws InvalidArgumentError for text that is not JSON, and naming the unknown class (and the
 * known ones of the kind)
 * @example const reg = deserialize(JSON.parse(json), 'penalty');
 */
export function deserialize<T = unknown>(json: SerializedObject | string, kind?: RegistryKind): T {
  let value: unknown = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new InvalidArgumentError(
        'json',
        json,
        `JSON text of an object { className, config } (${(error as Error).message})`,
      );
    }
  }
  const v = value as Partial<SerializedObject> | null;
  if (v === null || typeof v !== 'object' || typeof v.className !== 'string') {
    throw new InvalidArgumentError('json', value, 'an object { className, config }');
  }
  const entry = registry.byName.get(v.className);
  if (entry === undefined || (kind !== undefined && entry.kind !== kind)) {
    const known = registered(kind).map((e) => e.name);
    throw new InvalidArgumentError(
      'json.className',
      v.className,
      `a registered ${kind ?? 'class'} (${known.join(', ') || 'none registered'})`,
    );
  }
  const config = v.config ?? {};
  if (typeof config !== 'object' || Array.isArray(config))
    throw new InvalidArgumentError('json.config', config, 'an object');
  return entry.fromConfig(config as Record<string, unknown>) as T;
}
