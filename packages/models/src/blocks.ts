import { checkInteger, checkOneOf, deriveSeed, InvalidArgumentError } from '@overfit/core';
import { initializers, layers } from '@tensorflow/tfjs-layers';

/** Hidden-layer nonlinearities the model builders accept. */
export const ACTIVATIONS = [
  'relu',
  'leakyRelu',
  'elu',
  'selu',
  'tanh',
  'sigmoid',
  'softplus',
  'linear',
] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

/** Weight initializers the model builders accept (names as in Keras / tfjs-layers). */
export const INITIALIZERS = [
  'heNormal',
  'heUniform',
  'glorotUniform',
  'glorotNormal',
  'lecunNormal',
  'lecunUniform',
  'randomNormal',
  'zeros',
] as const;
export type InitializerName = (typeof INITIALIZERS)[number];

/** Slope of `leakyRelu` for negative inputs (PyTorch's `nn.LeakyReLU` default). */
export const LEAKY_RELU_ALPHA = 0.01;

/**
 * Standard deviation of a standard normal truncated to [-2, 2]. tfjs-layers' `heNormal`
 * & co. draw `truncatedNormal(0, sqrt(scale))`, whose actual spread is only 0.88 sqrt(scale);
 * dividing the scale by its square gives the textbook std (as Keras does).
 */
export const TRUNCATED_NORMAL_STD = 0.87962566103423978;

type Initializer = ReturnType<typeof initializers.zeros>;

/**
 * He init for the ReLU family (Kaiming), LeCun normal for SELU (what self-normalization
 * assumes), Glorot otherwise (Xavier) — what the course teaches.
 */
export function defaultInitFor(activation: ActivationName): InitializerName {
  if (activation === 'selu') return 'lecunNormal';
  return activation === 'relu' || activation === 'leakyRelu' || activation === 'elu'
    ? 'heNormal'
    : 'glorotUniform';
}

/**
 * The tfjs initializer for `name`, seeded when `seed` is given. Normal variants are truncated
 * at two standard deviations and rescaled so that the weights' std is exactly
 * `sqrt(gain / fan)`: heNormal `sqrt(2 / fanIn)`, glorotNormal `sqrt(2 / (fanIn + fanOut))`,
 * lecunNormal `sqrt(1 / fanIn)`. Uniform variants use the bound `sqrt(3 gain / fan)`.
 *
 * @example
 * layers.dense({ units: 64, kernelInitializer: makeInitializer('heNormal', 42) });
 */
export function makeInitializer(name: InitializerName, seed?: number): Initializer {
  const normal = (scale: number, mode: 'fanIn' | 'fanAvg') =>
    initializers.varianceScaling({
      scale: scale / TRUNCATED_NORMAL_STD ** 2,
      mode,
      distribution: 'normal',
      seed,
    });
  switch (name) {
    case 'heNormal':
      return normal(2, 'fanIn');
    case 'glorotNormal':
      return normal(1, 'fanAvg');
    case 'lecunNormal':
      return normal(1, 'fanIn');
    case 'heUniform':
      return initializers.heUniform({ seed });
    case 'glorotUniform':
      return initializers.glorotUniform({ seed });
    case 'lecunUniform':
      return initializers.leCunUniform({ seed });
    case 'randomNormal':
      return initializers.randomNormal({ mean: 0, stddev: 0.05, seed });
    case 'zeros':
      return initializers.zeros();
  }
}

/** Seed of one weight's initializer, derived from the model seed and the weight's name. */
export function weightSeed(seed: number | undefined, weightName: string): number | undefined {
  return seed === undefined ? undefined : deriveSeed(seed, weightName);
}

/**
 * The activation as its own layer, so pre- and post-activation values can both be captured.
 * `leakyAlpha` is `leakyRelu`'s negative slope (default {@link LEAKY_RELU_ALPHA}).
 */
export function activationLayer(
  activation: ActivationName,
  name: string,
  leakyAlpha = LEAKY_RELU_ALPHA,
): layers.Layer {
  if (activation === 'leakyRelu') return layers.leakyReLU({ alpha: leakyAlpha, name });
  return layers.activation({ activation, name });
}

const NAME_PATTERN = /^[A-Za-z0-9][-A-Za-z0-9._]*$/;

/** A model name tfjs accepts as a variable scope. */
export function checkModelName(argument: string, value: unknown): string {
  if (typeof value !== 'string' || !NAME_PATTERN.test(value)) {
    throw new InvalidArgumentError(
      argument,
      value,
      'a name of letters, digits, ".", "_" or "-" (not starting with a symbol)',
    );
  }
  return value;
}

/** A shape of positive integers with the given rank range. */
export function checkShape(
  argument: string,
  value: unknown,
  minRank: number,
  maxRank = Number.POSITIVE_INFINITY,
): number[] {
  const rankText =
    maxRank === minRank
      ? `${minRank}`
      : maxRank === Number.POSITIVE_INFINITY
        ? `>= ${minRank}`
        : `${minRank}..${maxRank}`;
  if (!Array.isArray(value) || value.length < minRank || value.length > maxRank) {
    throw new InvalidArgumentError(
      argument,
      value,
      `an array of positive integers of length ${rankText}`,
    );
  }
  value.forEach((d, i) => {
    checkInteger(`${argument}[${i}]`, d);
  });
  return [...value] as number[];
}

/** Validates the `activation` / `init` pair shared by the builders and applies the defaults. */
export function checkActivationInit(
  activation: unknown,
  init: unknown,
): { activation: ActivationName; init: InitializerName } {
  const act =
    activation === undefined ? 'relu' : checkOneOf('options.activation', activation, ACTIVATIONS);
  const ini =
    init === undefined ? defaultInitFor(act) : checkOneOf('options.init', init, INITIALIZERS);
  return { activation: act, init: ini };
}

/** A factory's result must be a tfjs layer (with the name we asked for, when given). */
export function checkLayer(argument: string, layer: unknown, expectedName?: string): layers.Layer {
  if (!(layer instanceof layers.Layer))
    throw new InvalidArgumentError(argument, layer, 'a tfjs-layers Layer');
  if (expectedName !== undefined && layer.name !== expectedName) {
    throw new InvalidArgumentError(
      `${argument} result name`,
      layer.name,
      `"${expectedName}" (keep args.name)`,
    );
  }
  return layer;
}
