import type { ActivationProbe, Parameter } from '@overfit/core';
import { type DistributionSummary, deadFraction, distributionSummary } from '@overfit/metrics';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { gradientsOrThrow } from '../gradients.js';
import { type CheckedData, denseTargets } from '../targets.js';
import type { MeanLossFn } from '../types.js';
import { feedingKernel, isReluFamily } from './layers.js';

/** What the probe measures each epoch. */
export interface ProbeSettings {
  readonly probe: ActivationProbe;
  readonly probeSize: number;
  readonly bins: number;
  readonly loss: MeanLossFn;
  readonly numClasses: number | undefined;
}

/** Per-epoch distributions from {@link DistributionProbe.summarize} (plain JSON). */
export interface ProbeSummaries {
  activations: Record<string, DistributionSummary>;
  gradients: Record<string, DistributionSummary>;
  deadFraction: Record<string, number>;
}

/**
 * A fixed probe batch (the first `probeSize` samples, chosen once per fit so that epochs
 * compare) and the per-epoch summaries taken on it: each probed layer's output, the
 * gradient of the data loss with respect to the kernel feeding it, both in inference mode
 * (no dropout, no penalties), and the dead-unit fraction of ReLU-family layers.
 */
export class DistributionProbe {
  private constructor(
    private readonly settings: ProbeSettings,
    private x: tf.Tensor | null,
    private yTrue: tf.Tensor | null,
    /** Probed layer → the kernel whose gradient is summarized (keyed by its layer). */
    private readonly kernels: ReadonlyMap<string, Parameter>,
    private readonly relu: ReadonlySet<string>,
  ) {}

  static create(
    model: LayersModel,
    data: CheckedData,
    params: readonly Parameter[],
    settings: ProbeSettings,
  ): DistributionProbe {
    const n = Math.min(settings.probeSize, data.size);
    const [x, yTrue] = tf.tidy(() => {
      const begin = (t: tf.Tensor) => tf.slice(t, 0, n);
      return [begin(data.x), denseTargets(begin(data.y), data.targets, settings.numClasses)];
    });
    const kernels = new Map<string, Parameter>();
    const relu = new Set<string>();
    for (const layer of settings.probe.layers) {
      const kernel = feedingKernel(model, layer, params);
      if (kernel !== undefined) kernels.set(layer, kernel);
      if (isReluFamily(model, layer)) relu.add(layer);
    }
    return new DistributionProbe(settings, x, yTrue, kernels, relu);
  }

  async summarize(): Promise<ProbeSummaries> {
    const { probe, loss, bins } = this.settings;
    const x = this.x!;
    const yTrue = this.yTrue!;
    const kernelVars = [...new Set([...this.kernels.values()].map((k) => k.variable))];
    let acts: Record<string, tf.Tensor> = {};
    let grads: tf.NamedTensorMap;
    try {
      grads = tf.tidy(() => {
        const f = () => {
          const { output, activations } = probe.run(x, { training: false });
          // keep(): the tape's scope would dispose them; they are summarized after it.
          for (const t of Object.values(activations)) tf.keep(t);
          acts = activations;
          return loss(yTrue, output);
        };
        return kernelVars.length === 0
          ? {}
          : gradientsOrThrow(tf.variableGrads, f, kernelVars).grads;
      });
    } catch (error) {
      tf.dispose(Object.values(acts));
      throw error;
    }
    if (kernelVars.length === 0) {
      const { output, activations } = probe.run(x, { training: false });
      output.dispose();
      acts = activations;
    }
    try {
      const activations: Record<string, DistributionSummary> = {};
      const gradients: Record<string, DistributionSummary> = {};
      for (const [name, a] of Object.entries(acts))
        activations[name] = await distributionSummary(a, { bins });
      for (const kernel of this.kernels.values()) {
        if (gradients[kernel.layerName] !== undefined) continue;
        gradients[kernel.layerName] = await distributionSummary(grads[kernel.variable.name]!, {
          bins,
        });
      }
      const dead: Record<string, number> = {};
      const reluLayers = probe.layers.filter((l) => this.relu.has(l));
      if (reluLayers.length > 0) {
        const packed = tf.tidy(() => tf.stack(reluLayers.map((l) => deadFraction(acts[l]!))));
        const values = await packed.data();
        packed.dispose();
        reluLayers.forEach((l, i) => {
          dead[l] = values[i]!;
        });
      }
      return { activations, gradients, deadFraction: dead };
    } finally {
      tf.dispose([Object.values(acts), Object.values(grads)]);
    }
  }

  dispose(): void {
    tf.dispose([this.x ?? [], this.yTrue ?? []]);
    this.x = null;
    this.yTrue = null;
  }
}
