import {
  checkKnownKeys,
  checkOneOf,
  InvalidArgumentError,
  OverfitError,
  ShapeError,
} from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

/** Turns a filled-in checkpoint path into a tfjs save handler (`directoryHandler` in Node). */
export type CheckpointHandlerFactory = (path: string) => tf.io.IOHandler;

/**
 * The tfjs save handler for `path` through tf.io's routers (`indexeddb://`, `localstorage://`,
 * `downloads://`, `http(s)://`; `file://` only where tfjs-node registers it).
 *
 * @throws OverfitError when no router takes the path, or several do
 */
export function routedSaveHandler(path: string): tf.io.IOHandler {
  const handlers = tf.io.getSaveHandlers(path);
  if (handlers.length === 1) return handlers[0]!;
  throw new OverfitError(
    handlers.length === 0
      ? `ModelCheckpoint: no tf.io save handler takes '${path}' (in a browser use 'indexeddb://name'; in Node pass handler: directoryHandler from '@overfit/early-stopping/node')`
      : `ModelCheckpoint: ${handlers.length} tf.io save handlers take '${path}'; pass handler to choose one`,
  );
}

/**
 * The model's weights (all of them, by their saved names) as tfjs model artifacts without a
 * topology: what `ModelCheckpoint({ saveWeightsOnly: true })` hands the handler.
 */
export async function weightArtifacts(model: LayersModel): Promise<tf.io.ModelArtifacts> {
  const named = model.weights.map((w) => ({ name: w.originalName, tensor: w.read() }));
  const { data, specs } = await tf.io.encodeWeights(named);
  return {
    weightSpecs: specs,
    weightData: data,
    format: 'overfit-weights',
    generatedBy: '@overfit/early-stopping',
  };
}

/** Options of {@link loadCheckpointWeights}. */
export interface LoadCheckpointOptions {
  /**
   * `'order'` (default, as Keras 3's `load_weights`): the saved weights in order onto
   * `model.weights`, count and shapes checked, so a freshly built copy of the architecture
   * (whose auto-generated layer names differ) loads them. `'name'`: by weight name
   * (tfjs-layers' strict `loadWeights`).
   */
  match?: 'order' | 'name';
}

/**
 * Loads weights saved by `ModelCheckpoint` (either form: a whole model or `saveWeightsOnly`)
 * into `model`.
 *
 * @throws InvalidArgumentError when the source cannot load; ShapeError when count or shapes differ
 * @example
 * await loadCheckpointWeights(model, 'indexeddb://best');               // browser
 * await loadCheckpointWeights(model, directoryHandler('ckpt/best'));    // Node
 */
export async function loadCheckpointWeights(
  model: LayersModel,
  source: string | tf.io.IOHandler,
  options: LoadCheckpointOptions = {},
): Promise<void> {
  checkKnownKeys('options', options, ['match']);
  const match = checkOneOf('options.match', options.match ?? 'order', ['order', 'name'] as const);
  const handler = typeof source === 'string' ? tf.io.getLoadHandlers(source)[0] : source;
  if (handler?.load === undefined) {
    throw new InvalidArgumentError(
      'source',
      source,
      'a tf.io URL with a load router (indexeddb://...) or an IOHandler with load()',
    );
  }
  const artifacts = await handler.load();
  const specs = artifacts.weightSpecs;
  if (specs === undefined || artifacts.weightData === undefined)
    throw new OverfitError('loadCheckpointWeights: the checkpoint holds no weights');
  if (match === 'order') checkSameShapes(model, specs);
  const tensors = tf.io.decodeWeights(artifacts.weightData, specs);
  try {
    if (match === 'name') model.loadWeights(tensors);
    else model.setWeights(specs.map((s) => tensors[s.name]!));
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

function checkSameShapes(model: LayersModel, specs: readonly tf.io.WeightsManifestEntry[]): void {
  const want = model.weights.map((w) => `[${w.shape.join(', ')}]`);
  const got = specs.map((s) => `[${s.shape.join(', ')}]`);
  if (want.join(' ') !== got.join(' ')) {
    throw new ShapeError(
      `loadCheckpointWeights: the checkpoint holds ${got.length} weights of shapes ${got.join(' ')} but the model has ${want.length} of shapes ${want.join(' ')}`,
    );
  }
}
