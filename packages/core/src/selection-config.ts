import { InvalidArgumentError } from './errors.js';
import type { NameFilter, ParameterSelection } from './params.js';

/**
 * JSON form of a {@link NameFilter} made of names and patterns: a name stays a string, a
 * pattern becomes `{ pattern, flags }` (without `g` / `y`, which selection never uses).
 */
export type NameFilterConfig = (string | { pattern: string; flags: string })[];

/**
 * A {@link NameFilter} as JSON, for `getConfig()`; {@link nameFilterFromConfig} reads it back.
 *
 * @throws InvalidArgumentError naming `argument` for a predicate (a function has no JSON form)
 * @example nameFilterToConfig('layers', [/^hidden_/, 'output']); // [{ pattern: '^hidden_', flags: '' }, 'output']
 */
export function nameFilterToConfig(argument: string, filter: NameFilter): NameFilterConfig {
  if (typeof filter === 'function') {
    throw new InvalidArgumentError(
      argument,
      'a predicate function',
      'names or RegExps to be serialized (a function has no JSON form)',
    );
  }
  const items = filter instanceof RegExp ? [filter] : filter;
  return items.map((item) =>
    typeof item === 'string'
      ? item
      : { pattern: item.source, flags: item.flags.replace(/[gy]/g, '') },
  );
}

/**
 * The {@link NameFilter} of a {@link NameFilterConfig}, for `fromConfig()`.
 *
 * @throws InvalidArgumentError naming `argument` (and the item) for anything else, or a pattern
 * that is not a valid RegExp
 */
export function nameFilterFromConfig(argument: string, config: unknown): NameFilter {
  if (!Array.isArray(config)) {
    throw new InvalidArgumentError(argument, config, 'an array of names and { pattern, flags }');
  }
  return config.map((item, i) => {
    if (typeof item === 'string') return item;
    const { pattern, flags } = (item ?? {}) as { pattern?: unknown; flags?: unknown };
    if (typeof pattern !== 'string' || typeof flags !== 'string') {
      throw new InvalidArgumentError(
        `${argument}[${i}]`,
        item,
        'a name or { pattern: string, flags: string }',
      );
    }
    try {
      return new RegExp(pattern, flags);
    } catch (error) {
      throw new InvalidArgumentError(
        `${argument}[${i}]`,
        item,
        `a valid RegExp (${(error as Error).message})`,
      );
    }
  });
}

/**
 * The JSON part of a penalty's or constraint's {@link ParameterSelection}: `{ layers }` when
 * layers were chosen, `{}` when not.
 *
 * @throws InvalidArgumentError naming `${argument}.select` for an own `select` function, and
 * `${argument}.layers` for a predicate: neither has a JSON form, and dropping them would
 * deserialize an object that applies to other parameters
 */
export function selectionToConfig(
  argument: string,
  selection: ParameterSelection,
): { layers?: NameFilterConfig } {
  if (selection.select !== undefined) {
    throw new InvalidArgumentError(
      `${argument}.select`,
      'a function',
      'left out to be serialized (a function has no JSON form; select by layers: names or RegExps)',
    );
  }
  return selection.layers === undefined
    ? {}
    : { layers: nameFilterToConfig(`${argument}.layers`, selection.layers) };
}

/** The {@link ParameterSelection} of {@link selectionToConfig}'s JSON (`layers` absent: none). */
export function selectionFromConfig(
  argument: string,
  config: { layers?: unknown },
): { layers?: NameFilter } {
  return config.layers === undefined || config.layers === null
    ? {}
    : { layers: nameFilterFromConfig(`${argument}.layers`, config.layers) };
}
