import { register, registered } from '@overfit/core';
import type { Augmentation } from './augmentation.js';
import type { PolicyOpSpec } from './policy-ops.js';

// biome-ignore lint/suspicious/noExplicitAny: factories take their own option types
export type TransformFactory = (options: any) => Augmentation<any>;

/** What the augmentation spec parser reads from a transform's registration. */
export interface TransformSpec {
  /** The options positional spec arguments set, in order (`rotate(15, 0.5)`: degrees, p). */
  positional: readonly string[];
  /** Other spec names (lowercase), e.g. `hflip` for `horizontalFlip`. */
  aliases?: readonly string[];
  /** The RandAugment / TrivialAugment ops this transform adds to their space (see `policyOps`). */
  randAugment?: readonly PolicyOpSpec[];
}

/** A registered transform: its factory and spec (the core registry entry's `meta`). */
export interface TransformMeta {
  factory: TransformFactory;
  positional: readonly string[];
  aliases: readonly string[];
  randAugment: readonly PolicyOpSpec[];
}

/**
 * Registers a leaf transform in core's registry (kind `'transform'`) under its config name,
 * next to its definition: `augmentationFromConfig`, core's `deserialize`, the spec parser
 * (`parseAugmentationSpec`) and `TRANSFORMS` all read it from there.
 *
 * @example registerTransform('rotate', rotate, { positional: ['degrees', 'p'] });
 */
export function registerTransform(
  name: string,
  factory: TransformFactory,
  spec: TransformSpec,
): void {
  const meta: TransformMeta = {
    factory,
    positional: spec.positional,
    aliases: spec.aliases ?? [],
    randAugment: spec.randAugment ?? [],
  };
  register(name, 'transform', (config) => factory(withoutName(config)), {
    meta: meta as unknown as Record<string, unknown>,
  });
}

function withoutName(config: Record<string, unknown>): Record<string, unknown> {
  const { name: _name, ...options } = config;
  return options;
}

/** Every registered leaf transform, in registration order. */
export function registeredTransforms(): { name: string; meta: TransformMeta }[] {
  return registered('transform')
    .filter((e) => typeof (e.meta as Partial<TransformMeta>).factory === 'function')
    .map((e) => ({ name: e.name, meta: e.meta as unknown as TransformMeta }));
}
