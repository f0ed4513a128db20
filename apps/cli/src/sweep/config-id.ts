import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every depth, so two equal configurations serialize to the
 * same text whatever order their keys were built in. `undefined` members are dropped (as
 * JSON.stringify does); non-finite numbers become null.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key];
      if (member !== undefined) sorted[key] = sortKeys(member);
    }
    return sorted;
  }
  return value;
}

/** 12 hex digits of SHA-256 (48 bits: collisions are not a concern at sweep sizes). */
function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/** A configuration's stable id: the hash of its canonical JSON. */
export function configId(config: object): string {
  return shortHash(canonicalJson(config));
}

/** The id of a configuration's seed group: its id with the seed left out. */
export function groupId<T extends { seed: number }>(config: T): string {
  const { seed: _seed, ...rest } = config;
  return configId(rest);
}

/** A sweep's id: the hash of its sorted configuration ids (the same grid is the same sweep). */
export function sweepId(configIds: readonly string[]): string {
  return shortHash([...configIds].sort().join(','));
}
