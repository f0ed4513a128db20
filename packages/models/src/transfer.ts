import {
  checkInteger,
  checkKnownKeys,
  checkSeed,
  InvalidArgumentError,
  type NameFilter,
  nameMatcher,
} from '@overfit/core';
import {
  model as functionalModel,
  LayersModel,
  layers,
  type SymbolicTensor,
} from '@tensorflow/tfjs-layers';
import { checkModelName, makeInitializer, weightSeed } from './blocks.js';

type Layer = LayersModel['layers'][number];

function checkModel(value: unknown): LayersModel {
  if (!(value instanceof LayersModel)) {
    throw new InvalidArgumentError('model', value, 'a tfjs-layers LayersModel (e.g. a Sequential)');
  }
  return value;
}

function layersMatching(
  model: LayersModel,
  argument: string,
  filter: NameFilter | undefined,
): Layer[] {
  if (filter === undefined) return [...model.layers];
  const names = model.layers.map((l) => l.name);
  const keep = nameMatcher(argument, filter, names, 'a layer of the model');
  return model.layers.filter((l) => keep(l.name));
}

/** On a BatchNormalization layer: the layers (itself, nested models holding it) whose freezing puts it in inference mode. */
const FROZEN_BY = Symbol.for('overfit.models.batchNormFrozenBy');

/** The BatchNormalization layers in `layer`, itself included, through nested models. */
function batchNormLayers(layer: Layer): Layer[] {
  if (layer.getClassName() === 'BatchNormalization') return [layer];
  const inner = (layer as unknown as { layers?: Layer[] }).layers;
  return Array.isArray(inner) ? inner.flatMap(batchNormLayers) : [];
}

/**
 * Keras' rule for a frozen BatchNormalization: it runs in inference mode (moving statistics,
 * which it then leaves alone) while it or a model holding it is frozen, also inside a training
 * step. tfjs-layers keeps normalizing by batch statistics and updating the moving ones, so
 * fine-tuning the layers above would shift what a frozen base computes. The check is made at
 * each call, so unfreezing (here, or the Trainer's gradual unfreezing) restores training mode.
 */
function runInInferenceWhileFrozen(bn: Layer, owner: Layer): void {
  const marked = bn as unknown as Record<symbol, Set<Layer> | undefined>;
  const existing = marked[FROZEN_BY];
  if (existing !== undefined) {
    existing.add(owner);
    return;
  }
  const owners = new Set<Layer>([bn, owner]);
  marked[FROZEN_BY] = owners;
  const call = bn.call.bind(bn);
  bn.call = (inputs, kwargs) =>
    call(inputs, [...owners].every((o) => o.trainable) ? kwargs : { ...kwargs, training: false });
}

/**
 * Freezes the matching top-level layers (default: all): their weights are no longer trainable,
 * so the Trainer (and `model.fit`, after `compile`) leaves them alone — feature extraction.
 * As in Keras, a frozen BatchNormalization (also inside a nested model) runs in inference mode:
 * it normalizes by its moving statistics and does not update them. Layers are picked with core's
 * `NameFilter` (names, RegExps, predicate). Returns the names of the layers frozen. Call it
 * before `fit`: a running `fit` keeps its list of variables.
 *
 * @example freeze(model, /^conv/); // train only the dense layers
 */
export function freeze(model: LayersModel, layers?: NameFilter): string[] {
  checkModel(model);
  const picked = layersMatching(model, 'layers', layers);
  for (const l of picked) {
    l.trainable = false;
    for (const bn of batchNormLayers(l)) runInInferenceWhileFrozen(bn, l);
  }
  return picked.map((l) => l.name);
}

/**
 * Makes the matching top-level layers (default: all) trainable again — partial or full
 * fine-tuning. Returns the names of the layers unfrozen.
 *
 * @example unfreeze(model, ['dense_1']);
 */
export function unfreeze(model: LayersModel, layers?: NameFilter): string[] {
  checkModel(model);
  const picked = layersMatching(model, 'layers', layers);
  for (const l of picked) l.trainable = true;
  return picked.map((l) => l.name);
}

/** Options of {@link replaceHead}. */
export interface ReplaceHeadOptions {
  /** Outputs of the new head (the new class count). */
  units: number;
  /** `'linear'` (default: logits) or `'softmax'`. */
  activation?: 'linear' | 'softmax';
  /** Seed of the new head's Glorot-uniform kernel. */
  seed?: number;
  /** Name of the new head layer (default `'output'`): letters, digits, `.`, `_`, `-`, and no body layer's name. */
  name?: string;
}

/**
 * A new model: every layer of `model` but its last, shared (same weights, same trainability),
 * topped by a fresh dense head of `units` outputs — the usual first step of transfer learning.
 * The original model is left as it was.
 *
 * @example
 * const tuned = replaceHead(pretrained, { units: 5, seed: 1 });
 * freeze(tuned, (name) => name !== 'output');
 */
export function replaceHead(model: LayersModel, options: ReplaceHeadOptions): LayersModel {
  checkModel(model);
  if (options === undefined || options === null || typeof options !== 'object') {
    throw new InvalidArgumentError('options', options, "an options object with 'units'");
  }
  checkKnownKeys('options', options, ['units', 'activation', 'seed', 'name']);
  const units = checkInteger('options.units', options.units, { min: 1 });
  const activation = options.activation ?? 'linear';
  if (activation !== 'linear' && activation !== 'softmax')
    throw new InvalidArgumentError('options.activation', activation, "'linear' or 'softmax'");
  const seed = options.seed === undefined ? undefined : checkSeed('options.seed', options.seed);
  const name = options.name === undefined ? 'output' : checkModelName('options.name', options.name);
  if (model.layers.length < 2)
    throw new InvalidArgumentError(
      'model',
      model.name,
      'a model with a body and a head (>= 2 layers)',
    );
  const bodyLayers = model.layers.slice(0, -1);
  if (bodyLayers.some((l) => l.name === name)) {
    throw new InvalidArgumentError(
      'options.name',
      name,
      `a name no layer of the body has (${bodyLayers.map((l) => l.name).join(', ')})`,
    );
  }
  const body = model.layers[model.layers.length - 2]!;
  const head = layers.dense({
    units,
    activation,
    name,
    kernelInitializer: makeInitializer('glorotUniform', weightSeed(seed, `${name}/kernel`)),
    biasInitializer: 'zeros',
  });
  const outputs = head.apply(body.output as SymbolicTensor) as SymbolicTensor;
  return functionalModel({ inputs: model.inputs, outputs, name: `${model.name}_new_head` });
}
