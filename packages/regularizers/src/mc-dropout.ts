import {
  checkInteger,
  checkKnownKeys,
  checkNumber,
  checkOneOf,
  checkSeed,
  deriveSeed,
  InvalidArgumentError,
} from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel, layers } from '@tensorflow/tfjs-layers';
import { StochasticLayer } from './layers/stochastic.js';

type Layer = layers.Layer;

/** tfjs-layers' own noise layers, kept stochastic too (their randomness is their own, unseeded). */
const TFJS_STOCHASTIC = new Set([
  'Dropout',
  'SpatialDropout1D',
  'GaussianDropout',
  'GaussianNoise',
  'AlphaDropout',
]);

/** Default test of which layers stay in training mode: overfit's stochastic layers and tfjs' noise layers. */
export function isStochasticLayer(layer: Layer): boolean {
  return layer instanceof StochasticLayer || TFJS_STOCHASTIC.has(layer.getClassName());
}

/** Options of {@link mcDropoutPredict}. */
export interface McDropoutOptions {
  /** Seed of the passes' masks; the same seed gives the same result. */
  seed: number;
  /** Number of stochastic forward passes, >= 2 (default 50). */
  samples?: number;
  /** Interval coverage in (0, 1), default 0.95. */
  confidence?: number;
  /**
   * `'normal'` (default): `mean +- z * std` with `z = Phi^-1((1 + confidence) / 2)`;
   * `'quantile'`: the empirical quantiles of the passes (numpy's linear interpolation).
   */
  interval?: 'normal' | 'quantile';
  /** Which layers keep their noise on; default {@link isStochasticLayer}. Others run in inference mode. */
  isStochastic?: (layer: Layer) => boolean;
}

/** Predictive distribution from {@link mcDropoutPredict}; every tensor has the model's output shape. */
export interface McDropoutPrediction {
  mean: tf.Tensor;
  /** Sample standard deviation over the passes (divisor `samples - 1`). */
  std: tf.Tensor;
  lower: tf.Tensor;
  upper: tf.Tensor;
  samples: number;
  confidence: number;
}

/** Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  checkNumber('p', p, { min: 0, max: 1, minInclusive: false, maxInclusive: false });
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972,
    -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
    4.374664141464968, 2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) =>
    (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
    ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

interface Patch {
  layer: Layer;
  key: 'call' | 'nextSeed';
}

/**
 * Puts the model in "MC dropout" mode: non-stochastic layers (BatchNorm ...) are forced to
 * inference, stochastic ones draw from seeds derived from `seed` instead of their own stream
 * (so predicting does not shift the masks training will use). Returns what to undo.
 */
function patchModel(
  model: LayersModel,
  seed: number,
  isStochastic: (l: Layer) => boolean,
): { patches: Patch[]; pass: { index: number } } {
  const patches: Patch[] = [];
  const pass = { index: 0 };
  const visit = (layer: Layer, path: string) => {
    const children = (layer as unknown as { layers?: Layer[] }).layers;
    if (Array.isArray(children)) {
      // A nested model: its own `call` only routes kwargs to its layers, which we patch.
      for (const [i, child] of children.entries()) visit(child, `${path}/${i}`);
      return;
    }
    const target = layer as unknown as Record<string, unknown>;
    if (isStochastic(layer)) {
      if (layer instanceof StochasticLayer) {
        const layerSeed = deriveSeed(seed, path);
        let draws = 0;
        target.nextSeed = () => deriveSeed(layerSeed, `${pass.index}:${draws++}`);
        patches.push({ layer, key: 'nextSeed' });
      }
      return;
    }
    const call = layer.call;
    target.call = (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) =>
      call.call(layer, inputs, { ...kwargs, training: false });
    patches.push({ layer, key: 'call' });
  };
  for (const [i, layer] of model.layers.entries()) visit(layer, String(i));
  return { patches, pass };
}

function unpatch(patches: Patch[]): void {
  // The patches are own properties shadowing the prototype methods.
  for (const { layer, key } of patches) delete (layer as unknown as Record<string, unknown>)[key];
}

function quantile(sortedAscending: tf.Tensor, q: number, count: number): tf.Tensor {
  const pos = q * (count - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, count - 1);
  const frac = pos - lo;
  const at = (i: number) => tf.squeeze(tf.slice(sortedAscending, i, 1), [0]);
  return frac === 0 ? at(lo) : tf.add(tf.mul(at(lo), 1 - frac), tf.mul(at(hi), frac));
}

/**
 * Monte-Carlo dropout (Gal & Ghahramani 2016): runs `samples` forward passes with the
 * dropout-family layers ON (everything else, e.g. BatchNorm, in inference mode) and returns
 * the predictive mean, standard deviation and a `confidence` interval per output.
 *
 * @example
 * const { mean, std, lower, upper } = mcDropoutPredict(model, x, { samples: 100, seed: 1 });
 */
export function mcDropoutPredict(
  model: LayersModel,
  x: tf.Tensor,
  options: McDropoutOptions,
): McDropoutPrediction {
  checkKnownKeys('options', options, ['seed', 'samples', 'confidence', 'interval', 'isStochastic']);
  if (
    !model ||
    !Array.isArray((model as { layers?: unknown }).layers) ||
    typeof model.apply !== 'function'
  ) {
    throw new InvalidArgumentError('model', model, 'a tfjs-layers LayersModel');
  }
  if (!(x instanceof tf.Tensor)) throw new InvalidArgumentError('x', x, 'a tf.Tensor');
  const seed = checkSeed('options.seed', options?.seed);
  const samples = checkInteger('options.samples', options.samples ?? 50, { min: 2 });
  const confidence = checkNumber('options.confidence', options.confidence ?? 0.95, {
    min: 0,
    max: 1,
    minInclusive: false,
    maxInclusive: false,
  });
  const interval = checkOneOf('options.interval', options.interval ?? 'normal', [
    'normal',
    'quantile',
  ] as const);
  const isStochastic = options.isStochastic ?? isStochasticLayer;

  const { patches, pass } = patchModel(model, seed, isStochastic);
  try {
    return tf.tidy(() => {
      const outputs: tf.Tensor[] = [];
      for (pass.index = 0; pass.index < samples; pass.index++) {
        const y = model.apply(x, { training: true });
        if (Array.isArray(y))
          throw new InvalidArgumentError('model', model.name, 'a model with a single output');
        outputs.push(y as tf.Tensor);
      }
      const stacked = tf.stack(outputs);
      const { mean, variance } = tf.moments(stacked, 0);
      const std = tf.sqrt(tf.mul(variance, samples / (samples - 1)));
      let lower: tf.Tensor;
      let upper: tf.Tensor;
      if (interval === 'normal') {
        const z = normalQuantile((1 + confidence) / 2);
        lower = tf.sub(mean, tf.mul(std, z));
        upper = tf.add(mean, tf.mul(std, z));
      } else {
        // Sort along the sample axis: move it last, top-k descending, reverse, move it back.
        const rank = stacked.rank;
        const perm = [...Array.from({ length: rank - 1 }, (_, i) => i + 1), 0];
        const sortedDesc = tf.topk(tf.transpose(stacked, perm), samples).values;
        const back = [rank - 1, ...Array.from({ length: rank - 1 }, (_, i) => i)];
        const ascending = tf.reverse(tf.transpose(sortedDesc, back), 0);
        lower = quantile(ascending, (1 - confidence) / 2, samples);
        upper = quantile(ascending, (1 + confidence) / 2, samples);
      }
      return { mean, std, lower, upper, samples, confidence };
    });
  } finally {
    unpatch(patches);
  }
}
