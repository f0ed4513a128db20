import { InvalidArgumentError, type Transform } from '@overfit/core';
import { flattened } from './adapters.js';
import type { Augmentation, AugmentationConfig, Json } from './augmentation.js';
import { compose, oneOf, Pipeline, randomApply, randomOrder, someOf } from './compose.js';
import { elastic } from './elastic.js';
import { channelDropout, coarseDropout, gridDropout, randomErasing } from './erasing.js';
import {
  affine,
  centerCrop,
  horizontalFlip,
  perspective,
  randomCrop,
  randomResizedCrop,
  rotate,
  scale,
  shear,
  translate,
  verticalFlip,
} from './geometric.js';
import { cutmix, mixup } from './mixing.js';
import {
  autocontrast,
  brightness,
  clahe,
  colorJitter,
  contrast,
  equalize,
  gamma,
  gaussianBlur,
  gaussianNoise,
  grayscale,
  hue,
  intensityShift,
  invert,
  posterize,
  saturation,
  sharpness,
  solarize,
} from './photometric.js';
import { randAugment, trivialAugment } from './policies.js';

// biome-ignore lint/suspicious/noExplicitAny: factories take their own option types
type Factory = (options: any) => Augmentation<any>;

/** Every leaf transform by its config name: what {@link augmentationFromConfig} rebuilds. */
export const TRANSFORMS: Readonly<Record<string, Factory>> = {
  horizontalFlip,
  verticalFlip,
  affine,
  rotate,
  translate,
  scale,
  shear,
  perspective,
  randomCrop,
  centerCrop,
  randomResizedCrop,
  brightness,
  contrast,
  saturation,
  hue,
  gamma,
  sharpness,
  intensityShift,
  colorJitter,
  grayscale,
  invert,
  solarize,
  posterize,
  autocontrast,
  equalize,
  clahe,
  gaussianNoise,
  gaussianBlur,
  randomErasing,
  coarseDropout,
  gridDropout,
  channelDropout,
  mixup,
  cutmix,
  elastic,
  randAugment,
  trivialAugment,
};

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
  const factory = Object.hasOwn(TRANSFORMS, name) ? TRANSFORMS[name] : undefined;
  if (!factory) {
    throw new InvalidArgumentError(
      `${argument}.name`,
      name,
      `a known transform (${Object.keys(TRANSFORMS).join(', ')}, or a composite)`,
    );
  }
  return factory(options);
}
