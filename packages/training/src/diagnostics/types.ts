import type { DistributionSummary, HealthFlags } from '@overfit/metrics';
import type { GradientStep, NormStats } from './recorder.js';

export type { GradientStep, NormStats };

/**
 * One epoch's diagnostics (plain JSON; schema in the README). Parameter keys are core
 * `Parameter.name`s (`hidden_1/kernel`), layer keys layer names (`hidden_1`).
 *
 * Present with `diagnostics.gradientNorms`: `gradientNorms` (of the raw, pre-clip
 * gradients, every step), `updateRatios` and `health`. With `diagnostics.distributions`:
 * `activations`, `gradients`, `deadFraction`. With `clip`: `preClipGlobalNorm`. Whenever
 * any of them is on: `weightNorms`, `sparsity` (end of epoch).
 *
 * @example
 * const d = history.epochs.at(-1)!.diagnostics!;
 * d.gradientNorms?.perLayer.hidden_1.mean; d.activations?.hidden_1_activation.median; d.health?.vanishing;
 */
export interface EpochDiagnostics {
  gradientNorms?: {
    global: NormStats;
    perLayer: Record<string, NormStats>;
    perParameter: Record<string, NormStats>;
  };
  /** Global gradient norm before clipping, over the epoch's steps. */
  preClipGlobalNorm?: { mean: number; max: number };
  /** `||w||_2` of each trainable parameter at the end of the epoch. */
  weightNorms: Record<string, number>;
  /**
   * Mean over the sampled steps (the last step of each read window) of
   * `||w_after - w_before|| / ||w_before||` (the whole step's change: update + constraints);
   * steps where `||w_before|| = 0` are left out, a parameter without any sample is absent.
   */
  updateRatios?: Record<string, number>;
  /** Fraction of `|w| < 1e-3` per trainable kernel at the end of the epoch. */
  sparsity: Record<string, number>;
  /** Output distribution of each probed layer on the probe batch (inference mode). */
  activations?: Record<string, DistributionSummary>;
  /**
   * Distribution of `d(data loss)/d(kernel)` on the probe batch (inference mode, no
   * penalties), keyed by the layer that owns the kernel (`hidden_1` for the probed
   * `hidden_1_activation`).
   */
  gradients?: Record<string, DistributionSummary>;
  /** Dead-unit fraction (`deadFraction`) of each probed ReLU-family layer. */
  deadFraction?: Record<string, number>;
  /** `healthFlags` on the epoch's per-layer mean gradient norms, input side first. */
  health?: HealthFlags;
}
