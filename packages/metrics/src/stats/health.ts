import { checkKnownKeys, checkNumber, InvalidArgumentError } from '@overfit/core';

/** Thresholds of {@link healthFlags}; see there for why the defaults are what they are. */
export interface HealthThresholds {
  /** A layer whose gradient norm is below this is vanishing; default 1e-7. */
  vanishingNorm: number;
  /** A layer whose gradient norm is above this is exploding; default 1e3. */
  explodingNorm: number;
  /** first / last layer norm below this flags vanishing; default 1e-3. */
  minRatio: number;
  /** first / last layer norm above this flags exploding; default 1e3. */
  maxRatio: number;
}

/** Options of {@link healthFlags}: thresholds and layer names. */
export interface HealthOptions extends Partial<HealthThresholds> {
  /** One name per layer (default `'0'`, `'1'`, ...). */
  names?: readonly string[];
}

/** One layer's verdict. */
export interface LayerHealth {
  name: string;
  /** The norm given; a NaN / Infinity one becomes `null` in JSON, `nonFinite` keeps the fact. */
  norm: number;
  vanishing: boolean;
  exploding: boolean;
  nonFinite: boolean;
}

/** Verdict over all layers (plain JSON: non-finite norms are reported through flags). */
export interface HealthFlags {
  /** Some layer's norm < vanishingNorm, or ratio < minRatio. */
  vanishing: boolean;
  /** Some layer's norm > explodingNorm (Infinity included), or ratio > maxRatio. */
  exploding: boolean;
  /** Some layer's norm is NaN or ±Infinity. */
  nonFinite: boolean;
  /** `norm(first layer) / norm(last layer)`; null with one layer or a zero / non-finite norm. */
  ratio: number | null;
  layers: LayerHealth[];
  thresholds: HealthThresholds;
}

/**
 * Defaults, for float32 nets trained with learning rates around 1e-4..1e-1:
 * - `vanishingNorm = 1e-7`: an update `lr * g` with |g| < 1e-7 changes weights of size
 *   ~1e-2..1 by less than float32's relative resolution (1.2e-7): the layer does not learn.
 * - `explodingNorm = 1e3`: with lr = 1e-3 such a gradient moves weights by ~1 per step,
 *   the scale of the weights themselves; common clipping thresholds (1..10) sit far below.
 * - `minRatio = 1e-3` / `maxRatio = 1e3`: the gradient shrinking (growing) by three orders
 *   of magnitude from the output layer back to the input layer is the textbook symptom of
 *   vanishing (exploding) gradients with saturating activations or bad initialization;
 *   healthy MLPs stay within one or two orders.
 *
 * @example
 * healthFlags(norms, { ...DEFAULT_HEALTH_THRESHOLDS, explodingNorm: 10 });
 */
export const DEFAULT_HEALTH_THRESHOLDS: Readonly<HealthThresholds> = Object.freeze({
  vanishingNorm: 1e-7,
  explodingNorm: 1e3,
  minRatio: 1e-3,
  maxRatio: 1e3,
});

/**
 * Vanishing / exploding gradient flags from per-layer gradient norms ordered from the input
 * side (first) to the output side (last), e.g. read back from {@link l2Norms}. Pure host
 * function. Flags: layer `l` vanishes if `norm_l < vanishingNorm`, explodes if
 * `norm_l > explodingNorm`; overall also by `ratio = norm_first / norm_last` against
 * `[minRatio, maxRatio]`. Default thresholds: {@link DEFAULT_HEALTH_THRESHOLDS}.
 *
 * @example
 * const flags = healthFlags([2e-9, 1e-4, 0.3], { names: ['dense_1', 'dense_2', 'dense_3'] });
 * flags.vanishing; // true (dense_1 below 1e-7, ratio 6.7e-9 below 1e-3)
 */
export function healthFlags(
  gradNorms: readonly number[],
  options: HealthOptions = {},
): HealthFlags {
  if (!Array.isArray(gradNorms) || gradNorms.length === 0) {
    throw new InvalidArgumentError('gradNorms', gradNorms, 'a non-empty array of per-layer norms');
  }
  gradNorms.forEach((v, i) => {
    if (typeof v !== 'number' || v < 0)
      throw new InvalidArgumentError(`gradNorms[${i}]`, v, 'a norm >= 0 (NaN / Infinity allowed)');
  });
  checkKnownKeys('options', options, ['names', ...Object.keys(DEFAULT_HEALTH_THRESHOLDS)]);
  const t: HealthThresholds = { ...DEFAULT_HEALTH_THRESHOLDS };
  for (const key of Object.keys(t) as (keyof HealthThresholds)[]) {
    if (options[key] !== undefined)
      t[key] = checkNumber(`options.${key}`, options[key], { min: 0 });
  }
  const names = options.names;
  if (
    names !== undefined &&
    (!Array.isArray(names) ||
      names.length !== gradNorms.length ||
      names.some((n) => typeof n !== 'string'))
  ) {
    throw new InvalidArgumentError(
      'options.names',
      names,
      `an array of ${gradNorms.length} strings (one per layer)`,
    );
  }
  const layers = gradNorms.map((norm, i) => ({
    name: names?.[i] ?? String(i),
    norm,
    vanishing: norm < t.vanishingNorm,
    exploding: norm > t.explodingNorm,
    nonFinite: !Number.isFinite(norm),
  }));
  const first = gradNorms[0]!;
  const last = gradNorms[gradNorms.length - 1]!;
  // Only between two finite, non-zero ends: [1, Infinity] would give 0 and flag "vanishing".
  const usable = (v: number) => Number.isFinite(v) && v > 0;
  const ratio = gradNorms.length > 1 && usable(first) && usable(last) ? first / last : null;
  return {
    vanishing: layers.some((l) => l.vanishing) || (ratio !== null && ratio < t.minRatio),
    exploding: layers.some((l) => l.exploding) || (ratio !== null && ratio > t.maxRatio),
    nonFinite: layers.some((l) => l.nonFinite),
    ratio,
    layers,
    thresholds: t,
  };
}
