import {
  ActivationProbe,
  checkBoolean,
  checkInteger,
  checkKnownKeys,
  checkNumber,
  InvalidArgumentError,
} from '@overfit/core';
import { DEFAULT_HEALTH_THRESHOLDS, type HealthThresholds } from '@overfit/metrics';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { defaultDistributionLayers } from './layers.js';

/**
 * Gradient clipping, applied after the statistics and before the optimizer update.
 * `globalNorm` = Keras' `global_clipnorm` / PyTorch's `clip_grad_norm_` (every gradient is
 * scaled by `min(1, c / (||g||_global + 1e-6))`, torch's formula); `value` = Keras'
 * `clipvalue` / `clip_grad_value_` (each element clamped to `[-v, v]`). When both are set,
 * the norm clip comes first, then the value clip (`clip_grad_norm_` then `clip_grad_value_`;
 * Keras' optimizers apply only one of `global_clipnorm` and `clipvalue`).
 *
 * @example
 * new Trainer({ model, optimizer, clip: { globalNorm: 1 } }); // history: diagnostics.preClipGlobalNorm
 */
export interface ClipOptions {
  /** Threshold c > 0 on the global L2 norm of all gradients. */
  globalNorm?: number;
  /** Bound v > 0 on every gradient element. */
  value?: number;
}

/**
 * What the Trainer measures (see the README's "Diagnostics and clipping" schema).
 *
 * @example
 * new Trainer({ model, optimizer, diagnostics: { gradientNorms: true, distributions: { probeSize: 256 } } });
 */
export interface DiagnosticsOptions {
  /**
   * Per-step gradient norms (per parameter, per layer, global) and update / weight ratios,
   * kept on the device and read back once every `every` steps (default 50) and at epoch end.
   */
  gradientNorms?: boolean | { every?: number };
  /**
   * Per-epoch distribution summaries of activations and kernel gradients on a fixed probe
   * batch: the first `probeSize` (default 256) samples of the validation data, else of the
   * training data. `layers`: layers whose output is summarized (default: the hidden layers'
   * activation outputs); `bins`: histogram bins (default 30).
   */
  distributions?: boolean | { layers?: string[]; probeSize?: number; bins?: number };
  /** Overrides of `DEFAULT_HEALTH_THRESHOLDS` (from `@overfit/metrics`) for the health flags. */
  healthThresholds?: Partial<HealthThresholds>;
}

/** {@link ClipOptions} checked. */
export interface ResolvedClip {
  readonly globalNorm: number | undefined;
  readonly value: number | undefined;
}

/** {@link DiagnosticsOptions} checked, with defaults filled in. */
export interface ResolvedDiagnostics {
  /** Steps between reads of the gradient-norm buffer; undefined when gradient norms are off. */
  readonly every: number | undefined;
  readonly distributions:
    | {
        readonly layers: readonly string[];
        readonly probeSize: number;
        readonly bins: number;
        /** Built once here: it checks the layer names, and every fit reuses it. */
        readonly probe: ActivationProbe;
      }
    | undefined;
  readonly thresholds: HealthThresholds;
}

/** Checks `args.clip` (throws before any work). */
export function resolveClip(clip: unknown): ResolvedClip | undefined {
  if (clip === undefined) return undefined;
  if (clip === null || typeof clip !== 'object')
    throw new InvalidArgumentError('clip', clip, 'an object { globalNorm?, value? }');
  checkKnownKeys('clip', clip, ['globalNorm', 'value']);
  const c = clip as ClipOptions;
  const positive = { min: 0, minInclusive: false };
  const globalNorm =
    c.globalNorm === undefined ? undefined : checkNumber('clip.globalNorm', c.globalNorm, positive);
  const value = c.value === undefined ? undefined : checkNumber('clip.value', c.value, positive);
  if (globalNorm === undefined && value === undefined)
    throw new InvalidArgumentError('clip', clip, 'an object with globalNorm and/or value set');
  return { globalNorm, value };
}

function flagOrObject(argument: string, value: unknown): Record<string, unknown> | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return {};
  if (value === null || typeof value !== 'object') {
    checkBoolean(argument, value); // throws with "true or false"
  }
  return value as Record<string, unknown>;
}

/** Checks `args.diagnostics` against the model (layer names included; throws before any work). */
export function resolveDiagnostics(
  diagnostics: unknown,
  model: LayersModel,
): ResolvedDiagnostics | undefined {
  if (diagnostics === undefined) return undefined;
  if (diagnostics === null || typeof diagnostics !== 'object')
    throw new InvalidArgumentError(
      'diagnostics',
      diagnostics,
      'an object { gradientNorms?, distributions?, healthThresholds? }',
    );
  checkKnownKeys('diagnostics', diagnostics, [
    'gradientNorms',
    'distributions',
    'healthThresholds',
  ]);
  const d = diagnostics as DiagnosticsOptions;
  const norms = flagOrObject('diagnostics.gradientNorms', d.gradientNorms);
  let every: number | undefined;
  if (norms !== undefined) {
    checkKnownKeys('diagnostics.gradientNorms', norms, ['every']);
    every =
      norms.every === undefined
        ? 50
        : checkInteger('diagnostics.gradientNorms.every', norms.every, { min: 1 });
  }
  const dist = flagOrObject('diagnostics.distributions', d.distributions);
  let distributions: ResolvedDiagnostics['distributions'];
  if (dist !== undefined) {
    checkKnownKeys('diagnostics.distributions', dist, ['layers', 'probeSize', 'bins']);
    const probeSize =
      dist.probeSize === undefined
        ? 256
        : checkInteger('diagnostics.distributions.probeSize', dist.probeSize, { min: 1 });
    const bins =
      dist.bins === undefined
        ? 30
        : checkInteger('diagnostics.distributions.bins', dist.bins, { min: 1, max: 10_000 });
    if (dist.layers !== undefined && (!Array.isArray(dist.layers) || dist.layers.length === 0))
      throw new InvalidArgumentError(
        'diagnostics.distributions.layers',
        dist.layers,
        'a non-empty array of layer names',
      );
    const layers = (dist.layers as string[] | undefined) ?? defaultDistributionLayers(model);
    // The probe's constructor checks every name against the model's top-level layers.
    let probe: ActivationProbe;
    try {
      probe = new ActivationProbe(model, { layers: [...layers] });
    } catch (e) {
      if (e instanceof InvalidArgumentError)
        throw new InvalidArgumentError(
          `diagnostics.distributions.${e.argument.replace(/^options\./, '')}`,
          e.value,
          e.allowed,
        );
      throw e;
    }
    distributions = { layers, probeSize, bins, probe };
  }
  const thresholds = { ...DEFAULT_HEALTH_THRESHOLDS };
  if (d.healthThresholds !== undefined) {
    checkKnownKeys('diagnostics.healthThresholds', d.healthThresholds, Object.keys(thresholds));
    for (const key of Object.keys(thresholds) as (keyof HealthThresholds)[]) {
      const v = d.healthThresholds[key];
      if (v !== undefined)
        thresholds[key] = checkNumber(`diagnostics.healthThresholds.${key}`, v, { min: 0 });
    }
  }
  return { every, distributions, thresholds };
}
