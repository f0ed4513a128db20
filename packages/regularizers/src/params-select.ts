import type { Parameter } from '@overfit/core';
import { InvalidArgumentError } from '@overfit/core';

/** Which layers a penalty or constraint applies to: names, a pattern, or a predicate. */
export type LayerFilter = readonly string[] | RegExp | ((layerName: string) => boolean);

/** The course's default: trainable kernels only (biases, BN gamma/beta are left alone). */
export function isKernel(param: Parameter): boolean {
  return param.trainable && param.kind === 'kernel';
}

/** Turns a {@link LayerFilter} into a predicate on layer names; validates its shape. */
export function layerPredicate(
  argument: string,
  filter: LayerFilter,
): (layerName: string) => boolean {
  if (typeof filter === 'function') return filter;
  if (filter instanceof RegExp) return (name) => filter.test(name);
  if (Array.isArray(filter) && filter.every((n) => typeof n === 'string')) {
    const names = new Set(filter);
    return (name) => names.has(name);
  }
  throw new InvalidArgumentError(
    argument,
    filter,
    'an array of layer names, a RegExp or a predicate',
  );
}

/**
 * A parameter selector from optional `select` and `layers`: both must accept. Returns
 * undefined when neither is given, so the Trainer's default (trainable kernels) applies.
 */
export function buildSelect(
  argument: string,
  options: { select?: (p: Parameter) => boolean; layers?: LayerFilter },
): ((p: Parameter) => boolean) | undefined {
  const { select, layers } = options;
  if (select !== undefined && typeof select !== 'function') {
    throw new InvalidArgumentError(`${argument}.select`, select, 'a function (param) => boolean');
  }
  if (layers === undefined) return select;
  const inLayer = layerPredicate(`${argument}.layers`, layers);
  const base = select ?? isKernel;
  return (p) => base(p) && inLayer(p.layerName);
}
