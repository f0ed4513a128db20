import { groupByLayer, type Parameter } from '@overfit/core';
import { healthFlags } from '@overfit/metrics';
import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { CheckedData } from '../targets.js';
import type { MeanLossFn } from '../types.js';
import { DistributionProbe } from './distributions.js';
import type { ResolvedClip, ResolvedDiagnostics } from './options.js';
import { GradientRecorder, type GradientStep } from './recorder.js';
import type { EpochDiagnostics } from './types.js';
import { weightStats } from './weights.js';

/** What a fit's diagnostics need from the Trainer. */
export interface SessionInputs {
  readonly model: LayersModel;
  /** The variables gradients are taken for, in step order. */
  readonly variables: readonly tf.Variable[];
  /** Every model parameter (core `listParameters`). */
  readonly params: readonly Parameter[];
  readonly diagnostics: ResolvedDiagnostics | undefined;
  readonly clip: ResolvedClip | undefined;
  /** Where the probe batch comes from: validation data if any, else training data. */
  readonly probeData: CheckedData;
  readonly loss: MeanLossFn;
  readonly numClasses: number | undefined;
}

/**
 * The diagnostics of one `fit`: a {@link GradientRecorder} fed by every step, a
 * {@link DistributionProbe} run at epoch end, and the epoch-end weight statistics. Built
 * only when `diagnostics` or `clip` is set; {@link DiagnosticsSession.dispose} frees its tensors.
 */
export class DiagnosticsSession {
  private readonly recorder: GradientRecorder;
  private readonly probe: DistributionProbe | undefined;
  /** Steps between reads; undefined: read at epoch end only (clip without gradient norms). */
  readonly every: number | undefined;

  private constructor(
    private readonly inputs: SessionInputs,
    private readonly trainable: readonly Parameter[],
  ) {
    const d = inputs.diagnostics;
    this.every = d?.every;
    const layers = [...groupByLayer(trainable)].map(([name, ps]) => ({
      name,
      indices: ps.map((p) => trainable.indexOf(p)),
    }));
    this.recorder = new GradientRecorder({ paramNames: trainable.map((p) => p.name), layers });
    this.probe =
      d?.distributions === undefined
        ? undefined
        : DistributionProbe.create(inputs.model, inputs.probeData, inputs.params, {
            ...d.distributions,
            loss: inputs.loss,
            numClasses: inputs.numClasses,
          });
  }

  static create(inputs: SessionInputs): DiagnosticsSession | undefined {
    if (inputs.diagnostics === undefined && inputs.clip === undefined) return undefined;
    // Match gradients to parameters by variable identity: tfjs may suffix variable names.
    const byVariable = new Map(inputs.params.map((p) => [p.variable as tf.Variable, p]));
    const trainable = inputs.variables.map((v) => {
      const p = byVariable.get(v);
      return (
        p ?? {
          name: v.name,
          layerName: v.name,
          kind: 'other' as const,
          trainable: true,
          variable: v,
        }
      );
    });
    return new DiagnosticsSession(inputs, trainable);
  }

  /** Whether steps measure gradient norms: for the statistics, or the pre-clip norm. */
  get recordsNorms(): boolean {
    return this.every !== undefined || this.inputs.clip !== undefined;
  }

  /** Every recorded step of the fit (with gradient norms on), for `History.gradientSteps`. */
  get gradientSteps(): readonly GradientStep[] | undefined {
    return this.every === undefined ? undefined : this.recorder.steps;
  }

  /** A step whose update ratio is sampled: the last of each read window. */
  measuresUpdate(batch: number, last: boolean): boolean {
    return this.every !== undefined && (last || (batch + 1) % this.every === 0);
  }

  /** Hands a step's statistics tensors to the recorder (no sync). */
  add(step: number, gradNorms: tf.Tensor1D | undefined, ratios: tf.Tensor1D | undefined): void {
    if (gradNorms !== undefined) this.recorder.add(step, gradNorms, ratios);
    else if (ratios !== undefined) ratios.dispose();
  }

  /** Reads the buffer when a window of `every` steps is full (one device read). */
  async afterStep(batch: number): Promise<void> {
    if (this.every !== undefined && (batch + 1) % this.every === 0) await this.recorder.flush();
  }

  /** Reads what is left of the epoch and builds its record. */
  async endEpoch(): Promise<{ gradNorm?: number; diagnostics: EpochDiagnostics }> {
    await this.recorder.flush();
    const grads = this.recorder.takeEpoch();
    const { weightNorms, sparsity } = await weightStats(this.trainable);
    const diagnostics: EpochDiagnostics = { weightNorms, sparsity };
    const out: { gradNorm?: number; diagnostics: EpochDiagnostics } = { diagnostics };
    if (grads !== undefined) {
      out.gradNorm = grads.global.mean;
      if (this.inputs.clip !== undefined)
        diagnostics.preClipGlobalNorm = { mean: grads.global.mean, max: grads.global.max };
      if (this.every !== undefined) {
        const { global, perLayer, perParameter, updateRatios } = grads;
        diagnostics.gradientNorms = { global, perLayer, perParameter };
        diagnostics.updateRatios = updateRatios;
        const names = Object.keys(perLayer);
        diagnostics.health = healthFlags(
          names.map((n) => perLayer[n]!.mean),
          { names, ...this.inputs.diagnostics!.thresholds },
        );
      }
    }
    if (this.probe !== undefined) {
      const s = await this.probe.summarize();
      diagnostics.activations = s.activations;
      diagnostics.gradients = s.gradients;
      diagnostics.deadFraction = s.deadFraction;
    }
    return out;
  }

  dispose(): void {
    this.recorder.dispose();
    this.probe?.dispose();
  }
}
