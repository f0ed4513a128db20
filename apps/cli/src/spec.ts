import { InvalidArgumentError } from '@overfit/core';

/** A `name=value,flag` list as `--early-stopping patience=5,monitor=valLoss,restore` takes it. */
export type KeyValueSpec = Map<string, string | true>;

/** Parses `a=1,b=x,c` into a map; a bare key is `true`. Rejects keys outside `known`. */
export function parseKeyValueSpec(
  flag: string,
  text: string,
  known: readonly string[],
): KeyValueSpec {
  const spec: KeyValueSpec = new Map();
  if (text.trim() === '') return spec;
  for (const part of text.split(',')) {
    const [rawKey, ...rest] = part.split('=');
    const key = rawKey!.trim();
    if (!known.includes(key))
      throw new InvalidArgumentError(
        flag,
        text,
        `a list of ${known.join(', ')} (unknown key ${JSON.stringify(key)})`,
      );
    if (spec.has(key))
      throw new InvalidArgumentError(
        flag,
        text,
        `a list naming each key once (${JSON.stringify(key)} repeated)`,
      );
    spec.set(key, rest.length === 0 ? true : rest.join('=').trim());
  }
  return spec;
}

/** A numeric value of a spec entry, or the default when absent. */
export function specNumber(
  flag: string,
  spec: KeyValueSpec,
  key: string,
  fallback: number,
): number {
  const raw = spec.get(key);
  if (raw === undefined) return fallback;
  const value = raw === true ? Number.NaN : Number(raw);
  if (!Number.isFinite(value)) throw new InvalidArgumentError(`${flag} ${key}`, raw, 'a number');
  return value;
}

/** `--early-stopping patience needs a value, e.g. patience=5`: a key given without `=value`. */
export function bareKey(flag: string, key: string, examples: Record<string, string>): string {
  return `${flag} ${key} needs a value, e.g. ${key}=${examples[key] ?? 'VALUE'}`;
}
