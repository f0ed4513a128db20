import { InvalidArgumentError, register, type Transform } from '@overfit/core';
import { flattened } from './adapters.js';
import type { Augmentation, AugmentationConfig, Json } from './augmentation.js';
import { compose, oneOf, Pipeline, randomApply, randomOrder, someOf } from './compose.js';
// The modules that define (and register) the leaf transforms; imported for that.
import './elastic.js';
import './erasing.js';
import './geometric.js';
import './mixing.js';
import './photometric.js';
import './policies.js';
import { registeredTransforms, type TransformFactory } from './transform-registry.js';

/**
 * Every leaf transform by its config name, as registered (in core's registry, kind
 * `'transform'`) next to its definition: what {@link augmentationFromConfig} rebuilds.
 */
export const TRANSFORMS: Readonly<Record<string, TransformFactory>> = Object.freeze(
  Object.fromEntries(registeredTransforms().map((t) => [t.name, t.meta.factory])),
);

const COMPOSITES = [
  'pipeline',
  'compose',
  'flattened',
  'randomApply',
  'oneOf',
  'someOf',
  'randomOrder',
] as const;

/**
 * The JSON description of a transform (composites nest their children): what a training
 * report records as its augmentation config.
 *
 * @example describeAugmentation(presets.mnist()) // { name: 'pipeline', transforms: [...] }
 */
export function describeAugmentation(transform: Transform): AugmentationConfig {
  const t = transform as Partial<Augmentation>;
  if (typeof t.getConfig === 'function') return t.getConfig();
  return { name: transform.name };
}

function configList(argument: string, value: unknown): Transform[] {
  if (!Array.isArray(value))
    throw new InvalidArgumentError(argument, value, 'an array of transform configs');
  return value.map((c, i) => augmentationFromConfig(c as AugmentationConfig, `${argument}[${i}]`));
}

/**
 * Rebuilds a transform from {@link describeAugmentation}'s JSON (round trip: same options,
 * so the same seed gives the same output).
 *
 * @example const t = augmentationFromConfig(JSON.parse(json));
 */
export function augmentationFromConfig(
  config: AugmentationConfig,
  argument = 'config',
): Augmentation {
  if (!config || typeof config !== 'object' || typeof config.name !== 'string') {
    throw new InvalidArgumentError(argument, config, 'an object with a transform name');
  }
  const { name, ...options } = config as { name: string } & Record<string, Json>;
  switch (name) {
    case 'pipeline':
      return new Pipeline(configList(`${argument}.transforms`, options.transforms));
    case 'compose':
      return compose(configList(`${argument}.transforms`, options.transforms));
    case 'flattened':
      return flattened(
        augmentationFromConfig(options.transform as AugmentationConfig, `${argument}.transform`),
        options.imageShape as [number, number, number],
      );
    case 'randomApply':
      return randomApply(
        augmentationFromConfig(options.transform as AugmentationConfig, `${argument}.transform`),
        options.p as number,
      );
    case 'oneOf':
      return oneOf(
        configList(`${argument}.transforms`, options.transforms),
        options.weights as number[],
      );
    case 'someOf':
      return someOf(
        configList(`${argument}.transforms`, options.transforms),
        options.n as [number, number],
      );
    case 'randomOrder':
      return randomOrder(configList(`${argument}.transforms`, options.transforms));
  }
  const factory = registeredTransforms().find((t) => t.name === name)?.meta.factory;
  if (!factory) {
    throw new InvalidArgumentError(
      `${argument}.name`,
      name,
      `a known transform (${registeredTransforms()
        .map((t) => t.name)
        .join(', ')}, or a composite)`,
    );
  }
  return factory(options);
}

// Composites nest their children's configs: augmentationFromConfig rebuilds them.
for (const name of COMPOSITES) {
  register(name, 'transform', (config) =>
    augmentationFromConfig({ ...config, name } as AugmentationConfig),
  );
}
