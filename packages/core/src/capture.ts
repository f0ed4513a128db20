import * as tf from '@tensorflow/tfjs-core';
import {
  model as functionalModel,
  type LayersModel,
  type SymbolicTensor,
} from '@tensorflow/tfjs-layers';
import { InvalidArgumentError } from './errors.js';
import { checkBoolean, checkKnownKeys } from './validate.js';

/** Layer classes that are a nonlinearity on their own (captured by default). */
const ACTIVATION_CLASSES = new Set([
  'Activation',
  'ReLU',
  'LeakyReLU',
  'ELU',
  'PReLU',
  'ThresholdedReLU',
  'Softmax',
]);

/** Options of {@link ActivationProbe}. */
export interface ActivationProbeOptions {
  /** Top-level layer names to capture (default: see {@link defaultCaptureLayers}). */
  layers?: string[];
}

/** What {@link ActivationProbe.run} returns; the caller disposes every tensor. */
export interface ProbeResult {
  /** The model's output, as `model.apply(x)` gives it. */
  output: tf.Tensor;
  /** Each captured layer's output, by layer name. */
  activations: Record<string, tf.Tensor>;
}

type ProbedLayer = {
  name: string;
  weights: unknown[];
  inboundNodes: unknown[];
  output: SymbolicTensor | SymbolicTensor[];
  getClassName(): string;
};

function topLayers(model: LayersModel): ProbedLayer[] {
  return (model.layers as unknown as ProbedLayer[]).filter(
    (l) => l.getClassName() !== 'InputLayer',
  );
}

/**
 * The layers an {@link ActivationProbe} captures when none are named: every top-level layer
 * with weights (dense, conv, BatchNorm: their pre-activation output) plus every separate
 * activation layer (`Activation`, `ReLU`, `LeakyReLU`, ...), except the layer(s) producing the
 * model output, which `run` returns as `output` anyway. For {@link mlp}: `hidden_i` and
 * `hidden_i_activation`; for {@link cnn}: `conv_k`, `conv_k_activation`, `dense_1`, `dense_1_activation`.
 *
 * @example
 * defaultCaptureLayers(mlp({ inputShape: [4], depth: 1, outputUnits: 2 })); // ['hidden_1', 'hidden_1_activation']
 */
export function defaultCaptureLayers(model: LayersModel): string[] {
  const outputs = new Set(model.outputs);
  return topLayers(model)
    .filter((l) => !(Array.isArray(l.output) ? l.output : [l.output]).some((t) => outputs.has(t)))
    .filter((l) => l.weights.length > 0 || ACTIVATION_CLASSES.has(l.getClassName()))
    .map((l) => l.name);
}

/**
 * Reads intermediate layer outputs of a tfjs-layers model (Sequential or functional) in the same
 * pass that computes its output. Built once per model: a multi-output `tf.model` over the SAME
 * layers and weights (no copy), whose outputs are the chosen layers' outputs plus the model's.
 *
 * `run` is differentiable, so it works inside `tf.variableGrads` / `optimizer.computeGradients`
 * closures (penalties on activations, training with capture). Only top-level layers can be
 * captured (a nested model counts as one layer); each must be used once in the graph.
 *
 * @example
 * const probe = new ActivationProbe(model, { layers: ['hidden_1_activation'] });
 * const { output, activations } = probe.run(x, { training: false });
 * activations.hidden_1_activation.print();
 * tf.dispose([output, ...Object.values(activations)]);
 */
export class ActivationProbe {
  /** The captured layer names, in model order. */
  readonly layers: readonly string[];
  private readonly probe: LayersModel;
  /** Output index (in the probe model) of each captured layer; the model output is index 0. */
  private readonly index: number[];

  constructor(model: LayersModel, options: ActivationProbeOptions = {}) {
    checkKnownKeys('options', options, ['layers']);
    if (!model || !Array.isArray(model.layers))
      throw new InvalidArgumentError('model', model, 'a tfjs-layers LayersModel');
    if (model.outputs?.length !== 1 || !model.inputs?.length) {
      throw new InvalidArgumentError(
        'model',
        model.name,
        'a built single-output model (give the first layer an inputShape)',
      );
    }
    const available = topLayers(model);
    const names = options.layers ?? defaultCaptureLayers(model);
    if (!Array.isArray(names))
      throw new InvalidArgumentError('options.layers', names, 'an array of layer names');
    const byName = new Map(available.map((l) => [l.name, l]));
    const chosen = names.map((name, i) => {
      const layer = byName.get(name);
      if (!layer)
        throw new InvalidArgumentError(
          `options.layers[${i}]`,
          name,
          `a top-level layer of the model (${[...byName.keys()].join(', ')})`,
        );
      if (layer.inboundNodes.length !== 1 || Array.isArray(layer.output)) {
        throw new InvalidArgumentError(
          `options.layers[${i}]`,
          name,
          'a layer called once with one output (shared layers cannot be probed)',
        );
      }
      return layer;
    });
    const outputs: SymbolicTensor[] = [model.outputs[0]!];
    this.index = chosen.map((layer) => {
      const t = layer.output as SymbolicTensor;
      const at = outputs.indexOf(t);
      if (at >= 0) return at;
      outputs.push(t);
      return outputs.length - 1;
    });
    this.layers = chosen.map((l) => l.name);
    this.probe = functionalModel({ inputs: model.inputs, outputs, name: `${model.name}_probe` });
  }

  /**
   * One forward pass returning the model output and the captured activations. `training: true`
   * runs dropout-family layers in training mode (each call draws a new mask), as in `fit`.
   */
  run(x: tf.Tensor | tf.Tensor[], options: { training?: boolean } = {}): ProbeResult {
    checkKnownKeys('options', options, ['training']);
    const training =
      options.training === undefined ? false : checkBoolean('options.training', options.training);
    return tf.tidy(() => {
      const outs = this.probe.apply(x, { training }) as tf.Tensor | tf.Tensor[];
      const all = Array.isArray(outs) ? outs : [outs];
      const activations: Record<string, tf.Tensor> = {};
      // A layer whose output is also the model output gets its own handle, so each can be disposed.
      this.layers.forEach((name, k) => {
        const i = this.index[k]!;
        activations[name] = i === 0 ? tf.clone(all[0]!) : all[i]!;
      });
      return { output: all[0]!, activations };
    });
  }
}

const probeCache = new WeakMap<LayersModel, Map<string, ActivationProbe>>();

/**
 * One-shot capture: the outputs of `layers` (default {@link defaultCaptureLayers}) for input `x`.
 * The probe is built once per model and layer list and reused. The caller disposes the tensors.
 *
 * @example
 * const acts = captureActivations(model, x, { layers: ['hidden_1_activation'] });
 * const values = await acts.hidden_1_activation.data();
 * tf.dispose(Object.values(acts));
 */
export function captureActivations(
  model: LayersModel,
  x: tf.Tensor | tf.Tensor[],
  options: { layers?: string[]; training?: boolean } = {},
): Record<string, tf.Tensor> {
  checkKnownKeys('options', options, ['layers', 'training']);
  let probes = probeCache.get(model);
  if (!probes) {
    probes = new Map();
    probeCache.set(model, probes);
  }
  const key = options.layers === undefined ? '' : JSON.stringify(options.layers);
  let probe = probes.get(key);
  if (!probe) {
    probe = new ActivationProbe(
      model,
      options.layers === undefined ? {} : { layers: options.layers },
    );
    probes.set(key, probe);
  }
  const { output, activations } = probe.run(
    x,
    options.training === undefined ? {} : { training: options.training },
  );
  output.dispose();
  return activations;
}
