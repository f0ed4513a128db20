import * as tf from '@tensorflow/tfjs-core';
import {
  model as functionalModel,
  input,
  layers,
  type Sequential,
  sequential,
} from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './errors.js';
import {
  groupByLayer,
  isRegularizedByDefault,
  listParameters,
  parameterKind,
  selectParameters,
} from './params.js';

/** `hidden_i` (dense) → `hidden_i_activation` (relu) ... → `output`, the names of models' `mlp`. */
function mlp(options: {
  inputShape: [number];
  hiddenUnits?: number[];
  depth?: number;
  width?: number;
  outputUnits: number;
  seed: number;
}): Sequential {
  const units = options.hiddenUnits ?? Array.from({ length: options.depth! }, () => options.width!);
  const model = sequential({ name: 'mlp' });
  units.forEach((u, i) => {
    model.add(
      layers.dense({
        name: `hidden_${i + 1}`,
        units: u,
        inputShape: i === 0 ? options.inputShape : undefined,
        kernelInitializer: 'glorotUniform',
      }),
    );
    model.add(layers.activation({ name: `hidden_${i + 1}_activation`, activation: 'relu' }));
  });
  model.add(layers.dense({ name: 'output', units: options.outputUnits }));
  return model;
}

function mixedModel() {
  const x = input({ shape: [4] });
  const tokens = input({ shape: [3] });
  const embedded = layers
    .flatten({ name: 'flat' })
    .apply(
      layers.embedding({ name: 'embed', inputDim: 10, outputDim: 2 }).apply(tokens),
    ) as ReturnType<typeof input>;
  const body = sequential({
    name: 'body',
    layers: [
      layers.dense({ name: 'inner_dense', units: 5, inputShape: [10] }),
      layers.batchNormalization({ name: 'inner_bn' }),
    ],
  });
  const joined = layers.concatenate({ name: 'join' }).apply([x, embedded]) as ReturnType<
    typeof input
  >;
  const frozen = layers.dense({ name: 'frozen', units: 3, trainable: false });
  const out = layers
    .dense({ name: 'head', units: 2 })
    .apply(frozen.apply(body.apply(joined))) as ReturnType<typeof input>;
  return functionalModel({ inputs: [x, tokens], outputs: out });
}

describe('parameterKind', () => {
  it('classifies weights by their name, ignoring tfjs uniqueness suffixes', () => {
    expect(parameterKind('hidden_1/kernel')).toBe('kernel');
    expect(parameterKind('hidden_1/kernel_3')).toBe('kernel');
    expect(parameterKind('sep/depthwise_kernel')).toBe('kernel');
    expect(parameterKind('sep/pointwise_kernel')).toBe('kernel');
    expect(parameterKind('lstm/recurrent_kernel')).toBe('kernel');
    expect(parameterKind('d/bias_1')).toBe('bias');
    expect(parameterKind('bn/gamma')).toBe('gamma');
    expect(parameterKind('bn/beta')).toBe('beta');
    expect(parameterKind('e/embeddings')).toBe('embedding');
    expect(parameterKind('bn/moving_mean')).toBe('other');
    expect(parameterKind('prelu/alpha')).toBe('other');
  });
});

describe('listParameters', () => {
  it('lists every weight with its leaf layer, kind and trainability', () => {
    const model = mixedModel();
    const params = listParameters(model);
    expect(params.map((p) => [p.name, p.layerName, p.kind, p.trainable])).toEqual([
      ['embed/embeddings', 'embed', 'embedding', true],
      ['inner_dense/kernel', 'inner_dense', 'kernel', true],
      ['inner_dense/bias', 'inner_dense', 'bias', true],
      ['inner_bn/gamma', 'inner_bn', 'gamma', true],
      ['inner_bn/beta', 'inner_bn', 'beta', true],
      ['frozen/kernel', 'frozen', 'kernel', false],
      ['frozen/bias', 'frozen', 'bias', false],
      ['head/kernel', 'head', 'kernel', true],
      ['head/bias', 'head', 'bias', true],
    ]);
    expect(params[1]!.variable.shape).toEqual([10, 5]);
    const innerDense = (model.getLayer('body') as Sequential).getLayer('inner_dense');
    expect(params[1]!.variable).toBe(innerDense.weights[0]!.read());
    const withStats = listParameters(model, { includeMovingStatistics: true });
    expect(
      withStats.filter((p) => p.name.includes('moving')).map((p) => [p.name, p.kind, p.trainable]),
    ).toEqual([
      ['inner_bn/moving_mean', 'other', false],
      ['inner_bn/moving_variance', 'other', false],
    ]);
    model.dispose();
  });

  it('hands out the variables the optimizer updates', () => {
    const model = mlp({ inputShape: [3], hiddenUnits: [2], outputUnits: 1, seed: 1 });
    const [kernel] = listParameters(model);
    kernel!.variable.assign(tf.fill([3, 2], 0.5));
    expect(Array.from(model.getLayer('hidden_1').getWeights()[0]!.dataSync())).toEqual([
      0.5, 0.5, 0.5, 0.5, 0.5, 0.5,
    ]);
    // a second model with the same layer names: same stable names, distinct variables
    const twin = mlp({ inputShape: [3], hiddenUnits: [2], outputUnits: 1, seed: 1 });
    const twinParams = listParameters(twin);
    expect(twinParams.map((p) => p.name)).toEqual(listParameters(model).map((p) => p.name));
    expect(twinParams[0]!.variable.name).not.toBe(kernel!.variable.name);
    model.dispose();
    twin.dispose();
  });
});

describe('selectParameters', () => {
  it('defaults to trainable kernels of every layer', () => {
    const model = mixedModel();
    expect(selectParameters(model).map((p) => p.name)).toEqual([
      'inner_dense/kernel',
      'head/kernel',
    ]);
    expect(selectParameters(model, { trainableOnly: false }).map((p) => p.name)).toEqual([
      'inner_dense/kernel',
      'frozen/kernel',
      'head/kernel',
    ]);
    expect(
      listParameters(model)
        .filter(isRegularizedByDefault)
        .map((p) => p.name),
    ).toEqual(['inner_dense/kernel', 'head/kernel']);
    model.dispose();
  });

  it('filters by layer names, pattern or predicate and by kinds', () => {
    const model = mlp({ inputShape: [3], depth: 3, width: 2, outputUnits: 1, seed: 1 });
    expect(
      selectParameters(model, { layers: ['hidden_2', 'output'], kinds: ['kernel', 'bias'] }).map(
        (p) => p.name,
      ),
    ).toEqual(['hidden_2/kernel', 'hidden_2/bias', 'output/kernel', 'output/bias']);
    expect(selectParameters(model, { layers: /^hidden_[13]$/g }).map((p) => p.name)).toEqual([
      'hidden_1/kernel',
      'hidden_3/kernel',
    ]);
    expect(
      selectParameters(model, { layers: (name) => name === 'output', kinds: ['bias'] }).map(
        (p) => p.name,
      ),
    ).toEqual(['output/bias']);
    expect(selectParameters(model, { layers: ['hidden_1_activation'] })).toEqual([]);
    model.dispose();
  });

  it('rejects unknown layers (listing the real ones), kinds and options', () => {
    const model = mlp({ inputShape: [3], hiddenUnits: [2], outputUnits: 1, seed: 1 });
    expect(() => selectParameters(model, { layers: ['hiden_1'] })).toThrow(InvalidArgumentError);
    expect(() => selectParameters(model, { layers: ['hiden_1'] })).toThrow(
      'options.layers must be a layer of the model (hidden_1, hidden_1_activation, output), got "hiden_1"',
    );
    expect(() => selectParameters(model, { kinds: ['weights' as 'kernel'] })).toThrow(
      /options.kinds\[0\] must be one of 'kernel'/,
    );
    expect(() => selectParameters(model, { trainable: true } as never)).toThrow(
      /options.trainable/,
    );
    expect(() => listParameters(model, { includeMovingStatistics: 'yes' as never })).toThrow(
      /includeMovingStatistics must be true or false/,
    );
    model.dispose();
  });
});

describe('groupByLayer', () => {
  it('groups in first-seen layer order', () => {
    const model = mlp({ inputShape: [3], depth: 2, width: 2, outputUnits: 1, seed: 1 });
    const groups = groupByLayer(listParameters(model));
    expect([...groups.keys()]).toEqual(['hidden_1', 'hidden_2', 'output']);
    expect(groups.get('hidden_2')!.map((p) => p.kind)).toEqual(['kernel', 'bias']);
    model.dispose();
  });
});
