import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Parameter, ParameterKind } from './contracts.js';
import { InvalidArgumentError } from './errors.js';
import { checkBoolean, checkKnownKeys, checkOneOf } from './validate.js';

const KINDS: readonly ParameterKind[] = ['kernel', 'bias', 'gamma', 'beta', 'embedding', 'other'];

const KIND_BY_SUFFIX: Record<string, ParameterKind> = {
  kernel: 'kernel',
  depthwise_kernel: 'kernel',
  pointwise_kernel: 'kernel',
  recurrent_kernel: 'kernel',
  bias: 'bias',
  gamma: 'gamma',
  beta: 'beta',
  embeddings: 'embedding',
};

const MOVING_STATISTICS = new Set(['moving_mean', 'moving_variance']);

/** The last path segment of a weight name, without tfjs' uniqueness suffix (`dense/kernel_2` → `kernel`). */
function weightBaseName(name: string): string {
  const last = name.slice(name.lastIndexOf('/') + 1);
  return last.replace(/_\d+$/, '');
}

/**
 * The role of a weight, from its name: `kernel`, `depthwise_kernel`, `pointwise_kernel` and
 * `recurrent_kernel` are `'kernel'`; `bias`, `gamma`, `beta`; `embeddings` is `'embedding'`;
 * anything else (`moving_mean`, PReLU's `alpha`, ...) is `'other'`.
 *
 * @example
 * parameterKind('hidden_1/kernel'); // 'kernel'
 * parameterKind('bn_1/gamma_3');    // 'gamma'
 */
export function parameterKind(weightName: string): ParameterKind {
  return KIND_BY_SUFFIX[weightBaseName(weightName)] ?? 'other';
}

/** Options of {@link listParameters}. */
export interface ListParametersOptions {
  /** Include BatchNorm's `moving_mean` / `moving_variance` (kind `'other'`, never trainable). Default false. */
  includeMovingStatistics?: boolean;
}

type LayerLike = {
  name: string;
  weights: { originalName: string; name: string; trainable: boolean; read(): unknown }[];
  layers?: LayerLike[];
};

/** The model's leaf layers: nested models are opened so their layers keep their own names. */
function leafLayers(layers: readonly LayerLike[]): LayerLike[] {
  return layers.flatMap((layer) =>
    Array.isArray(layer.layers) ? leafLayers(layer.layers) : [layer],
  );
}

/** Names of every (leaf) layer of `model`, in order. */
function layerNames(model: LayersModel): string[] {
  return leafLayers(model.layers as unknown as LayerLike[]).map((l) => l.name);
}

/**
 * Every weight of `model` as a {@link Parameter}, in layer order: the owning layer's name, the
 * weight's stable name (`hidden_1/kernel`; tfjs' engine-unique name is `variable.name`), its
 * {@link parameterKind} and whether the optimizer updates it (false for frozen layers).
 * Layers of nested models are listed under their own names.
 *
 * @example
 * for (const p of listParameters(model)) console.log(p.layerName, p.kind, p.variable.shape);
 */
export function listParameters(
  model: LayersModel,
  options: ListParametersOptions = {},
): Parameter[] {
  checkKnownKeys('options', options, ['includeMovingStatistics']);
  const withMoving =
    options.includeMovingStatistics === undefined
      ? false
      : checkBoolean('options.includeMovingStatistics', options.includeMovingStatistics);
  const trainable = new Set(model.trainableWeights as unknown as object[]);
  const seen = new Set<object>();
  const params: Parameter[] = [];
  for (const layer of leafLayers(model.layers as unknown as LayerLike[])) {
    for (const weight of layer.weights) {
      if (seen.has(weight)) continue; // a layer shared between nested models
      seen.add(weight);
      if (!withMoving && MOVING_STATISTICS.has(weightBaseName(weight.originalName))) continue;
      params.push({
        name: weight.originalName,
        layerName: layer.name,
        kind: parameterKind(weight.originalName),
        trainable: trainable.has(weight),
        variable: weight.read() as Parameter['variable'],
      });
    }
  }
  return params;
}

/**
 * How every overfit option picks layers or weights by name (penalties' and constraints'
 * `layers`, {@link selectParameters}, weight decay's `exclude`, freezing): exact names and
 * patterns in a list, one pattern, or a predicate. Patterns are used without their `g` / `y`
 * flags (see {@link nameMatcher}).
 */
export type NameFilter = readonly (string | RegExp)[] | RegExp | ((name: string) => boolean);

/**
 * A pattern that `test`s the same way every call: `RegExp.test` with the `g` or `y` flag
 * advances `lastIndex`, so `/dense/g` would match every other layer.
 */
function statelessPattern(pattern: RegExp): RegExp {
  return pattern.global || pattern.sticky
    ? new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''))
    : pattern;
}

/**
 * Turns a {@link NameFilter} into a predicate on names (the one place where overfit reads
 * one). Strings match a whole name; with `known`, every string must be one of the known names
 * (`knownAs` says what they are in the error: `a layer of the model`).
 *
 * @throws InvalidArgumentError naming `argument` for a filter of another shape, or an unknown name
 * @example
 * const isHidden = nameMatcher('layers', /^hidden_/g);
 * ['hidden_1', 'hidden_2'].filter(isHidden); // both (the g flag is dropped)
 */
export function nameMatcher(
  argument: string,
  filter: NameFilter,
  known?: readonly string[],
  knownAs = 'a known name',
): (name: string) => boolean {
  if (typeof filter === 'function') return filter;
  const items: readonly unknown[] | undefined =
    filter instanceof RegExp ? [filter] : Array.isArray(filter) ? filter : undefined;
  if (items === undefined || !items.every((i) => typeof i === 'string' || i instanceof RegExp)) {
    throw new InvalidArgumentError(
      argument,
      filter,
      'an array of names or RegExps, a RegExp or a predicate (name) => boolean',
    );
  }
  if (known !== undefined) {
    for (const name of items) {
      if (typeof name === 'string' && !known.includes(name))
        throw new InvalidArgumentError(argument, name, `${knownAs} (${known.join(', ')})`);
    }
  }
  const names = new Set(items.filter((i): i is string => typeof i === 'string'));
  const patterns = items.filter((i): i is RegExp => i instanceof RegExp).map(statelessPattern);
  return (name) => names.has(name) || patterns.some((p) => p.test(name));
}

/** Options of {@link selectParameters}. */
export interface SelectParametersOptions {
  /** Kinds to keep (default `['kernel']`). */
  kinds?: ParameterKind[];
  /** Layers to keep: names (each must exist), patterns, or a predicate on the layer name. Default: all. */
  layers?: NameFilter;
  /** Keep only weights the optimizer updates (default true). */
  trainableOnly?: boolean;
}

/**
 * The parameters a penalty, constraint or statistic should see; by default the trainable
 * kernels of every layer (what L1/L2 regularize: biases are not, as the course teaches).
 * Unknown layer names throw, listing the model's layers.
 *
 * @example
 * const kernels = selectParameters(model, { layers: /^hidden_/ });
 * const lastTwo = selectParameters(model, { layers: ['hidden_2', 'output'], kinds: ['kernel', 'bias'] });
 */
export function selectParameters(
  model: LayersModel,
  options: SelectParametersOptions = {},
): Parameter[] {
  checkKnownKeys('options', options, ['kinds', 'layers', 'trainableOnly']);
  const kinds = options.kinds ?? ['kernel'];
  if (!Array.isArray(kinds))
    throw new InvalidArgumentError(
      'options.kinds',
      kinds,
      `an array of ${KINDS.map((k) => `'${k}'`).join(', ')}`,
    );
  kinds.forEach((kind, i) => {
    checkOneOf(`options.kinds[${i}]`, kind, KINDS);
  });
  const trainableOnly =
    options.trainableOnly === undefined
      ? true
      : checkBoolean('options.trainableOnly', options.trainableOnly);
  const keepLayer = layerFilter(model, options.layers);
  return listParameters(model).filter(
    (p) => kinds.includes(p.kind) && keepLayer(p.layerName) && (!trainableOnly || p.trainable),
  );
}

function layerFilter(
  model: LayersModel,
  layers: SelectParametersOptions['layers'],
): (name: string) => boolean {
  if (layers === undefined) return () => true;
  return nameMatcher('options.layers', layers, layerNames(model), 'a layer of the model');
}

/**
 * Parameters grouped by layer name, layers in first-seen order (for per-layer norms and plots).
 *
 * @example
 * for (const [layer, params] of groupByLayer(listParameters(model))) console.log(layer, params.length);
 */
export function groupByLayer(params: readonly Parameter[]): Map<string, Parameter[]> {
  const groups = new Map<string, Parameter[]>();
  for (const p of params) {
    const group = groups.get(p.layerName);
    if (group) group.push(p);
    else groups.set(p.layerName, [p]);
  }
  return groups;
}

/**
 * Whether a penalty or constraint applies to `p` when the user selected nothing: trainable
 * kernels yes; biases, BatchNorm's gamma/beta, embeddings and frozen weights no.
 *
 * @example
 * const penalized = listParameters(model).filter(isRegularizedByDefault);
 */
export function isRegularizedByDefault(p: Parameter): boolean {
  return p.trainable && p.kind === 'kernel';
}

/** The two ways a penalty or constraint narrows its parameters (both must accept). */
export interface ParameterSelection {
  /** Only the parameters of these layers. */
  layers?: NameFilter;
  /** Own parameter filter; default {@link isRegularizedByDefault} (trainable kernels). */
  select?: (param: Parameter) => boolean;
}

/**
 * A penalty's or constraint's `select` from its options: `select` (default
 * {@link isRegularizedByDefault}) and, when given, membership in `layers`. Returns `undefined`
 * when neither is given, so the Trainer's default rule applies unchanged.
 *
 * @throws InvalidArgumentError naming `${argument}.select` / `${argument}.layers`
 * @example
 * const select = parameterSelector('options', { layers: /^conv/ }); // conv kernels
 */
export function parameterSelector(
  argument: string,
  options: ParameterSelection,
): ((param: Parameter) => boolean) | undefined {
  const { select, layers } = options;
  if (select !== undefined && typeof select !== 'function') {
    throw new InvalidArgumentError(`${argument}.select`, select, 'a function (param) => boolean');
  }
  if (layers === undefined) return select;
  const inLayer = nameMatcher(`${argument}.layers`, layers);
  const base = select ?? isRegularizedByDefault;
  return (p) => base(p) && inLayer(p.layerName);
}
