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
  nameMatcher,
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

describe('the default rule on real tfjs-layers weights', () => {
  it('regularizes kernels (dense, conv, depthwise, separable, transposed, recurrent), not biases, gamma/beta, embeddings or PReLU alpha', () => {
    const one = (inputShape: number[], layer: Parameters<Sequential['add']>[0]) => {
      const m = sequential();
      m.add(layers.inputLayer({ inputShape }));
      m.add(layer);
      const all = listParameters(m, { includeMovingStatistics: true });
      const picked = all.filter(isRegularizedByDefault).map((p) => p.name.split('/').at(-1));
      const kinds = all.map((p) => `${p.name.split('/').at(-1)}:${p.kind}`);
      m.dispose();
      return { picked, kinds };
    };
    expect(one([4], layers.dense({ units: 2 }))).toEqual({
      picked: ['kernel'],
      kinds: ['kernel:kernel', 'bias:bias'],
    });
    expect(one([6, 6, 2], layers.conv2d({ filters: 2, kernelSize: 3 })).picked).toEqual(['kernel']);
    expect(one([6, 6, 2], layers.conv2dTranspose({ filters: 2, kernelSize: 3 })).picked).toEqual([
      'kernel',
    ]);
    expect(one([6, 6, 2], layers.depthwiseConv2d({ kernelSize: 3 })).picked).toEqual([
      'depthwise_kernel',
    ]);
    expect(one([6, 6, 2], layers.separableConv2d({ filters: 2, kernelSize: 3 })).picked).toEqual([
      'depthwise_kernel',
      'pointwise_kernel',
    ]);
    expect(one([4], layers.batchNormalization())).toEqual({
      picked: [],
      kinds: ['gamma:gamma', 'beta:beta', 'moving_mean:other', 'moving_variance:other'],
    });
    expect(one([4], layers.layerNormalization())).toEqual({
      picked: [],
      kinds: ['gamma:gamma', 'beta:beta'],
    });
    expect(one([3], layers.embedding({ inputDim: 10, outputDim: 2 }))).toEqual({
      picked: [],
      kinds: ['embeddings:embedding'],
    });
    expect(one([5, 3], layers.lstm({ units: 2 })).picked).toEqual(['kernel', 'recurrent_kernel']);
    expect(one([4], layers.prelu()).kinds).toEqual(['alpha:other']);
  });
});

describe('nameMatcher', () => {
  it('matches whole names, and RegExps the same way on every call whatever their flags', () => {
    const names = ['hidden_1', 'hidden_2', 'hidden_3', 'output'];
    for (const re of [/^hidden_/g, /hidden_/y, /^hidden_/gy, /^hidden_/]) {
      const m = nameMatcher('layers', re);
      expect(names.filter(m)).toEqual(['hidden_1', 'hidden_2', 'hidden_3']);
      expect(names.filter(m)).toEqual(['hidden_1', 'hidden_2', 'hidden_3']);
      expect(re.lastIndex).toBe(0);
    }
    expect(names.filter(nameMatcher('layers', ['hidden', 'output']))).toEqual(['output']);
    expect(names.filter(nameMatcher('layers', [/_2$/, 'output']))).toEqual(['hidden_2', 'output']);
    expect(names.filter(nameMatcher('layers', (n) => n.endsWith('3')))).toEqual(['hidden_3']);
    expect(() => nameMatcher('layers', 'hidden_1' as never)).toThrow(
      'layers must be an array of names or RegExps, a RegExp or a predicate (name) => boolean, got "hidden_1"',
    );
    expect(() => nameMatcher('layers', [1] as never)).toThrow(InvalidArgumentError);
    expect(() => nameMatcher('layers', ['nope'], names, 'a layer')).toThrow(
      'layers must be a layer (hidden_1, hidden_2, hidden_3, output), got "nope"',
    );
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
