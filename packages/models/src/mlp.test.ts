import { InvalidArgumentError } from '@overfit/core';
import { Dropout } from '@overfit/regularizers';
import * as tf from '@tensorflow/tfjs-core';
import { constraints, initializers, layers, models, regularizers } from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { TRUNCATED_NORMAL_STD } from './blocks.js';
import { mlp } from './mlp.js';

function moments(values: Float32Array | Int32Array | Uint8Array): {
  mean: number;
  std: number;
  maxAbs: number;
} {
  let sum = 0;
  let sq = 0;
  let maxAbs = 0;
  for (const v of values) {
    sum += v;
    sq += v * v;
    maxAbs = Math.max(maxAbs, Math.abs(v));
  }
  const mean = sum / values.length;
  return { mean, std: Math.sqrt(sq / values.length - mean * mean), maxAbs };
}

function kernelOf(model: ReturnType<typeof mlp>, layerName: string): Float32Array {
  return model.getLayer(layerName).getWeights()[0]!.dataSync() as Float32Array;
}

describe('mlp', () => {
  it('builds the documented layer list and shapes', () => {
    const model = mlp({
      inputShape: [28, 28, 1],
      hiddenUnits: [16, 8],
      dropout: 0.2,
      outputUnits: 10,
      seed: 1,
    });
    expect(model.layers.map((l) => l.name)).toEqual([
      'flatten',
      'hidden_1',
      'hidden_1_activation',
      'hidden_1_dropout',
      'hidden_2',
      'hidden_2_activation',
      'hidden_2_dropout',
      'output',
    ]);
    expect(model.layers[3]).toBeInstanceOf(Dropout);
    expect((model.layers[3] as Dropout).rate).toBe(0.2);
    expect(model.outputs[0]!.shape).toEqual([null, 10]);
    expect(model.countParams()).toBe(784 * 16 + 16 + 16 * 8 + 8 + 8 * 10 + 10);
    model.dispose();
  });

  it('computes softmax(W2 relu(W1 x + b1) + b2) like a hand-written forward pass', async () => {
    const model = mlp({
      inputShape: [3],
      hiddenUnits: [4],
      outputUnits: 2,
      outputActivation: 'softmax',
      seed: 2,
    });
    model.getLayer('hidden_1').setWeights([
      tf.tensor2d([
        [0.5, -1, 0.2, 0],
        [1, 0.3, -0.4, 2],
        [-0.7, 0.1, 0.6, -1],
      ]),
      tf.tensor1d([0.1, 0, -0.2, 0.3]),
    ]);
    model.getLayer('output').setWeights([
      tf.tensor2d([
        [1, -1],
        [0.5, 0.2],
        [-0.3, 0.8],
        [0.2, 0.1],
      ]),
      tf.tensor1d([0.05, -0.05]),
    ]);
    const x = [0.3, -1.2, 2];
    const w1 = [
      [0.5, -1, 0.2, 0],
      [1, 0.3, -0.4, 2],
      [-0.7, 0.1, 0.6, -1],
    ];
    const h = [0, 1, 2, 3].map((j) =>
      Math.max(0, x.reduce((s, xi, i) => s + xi * w1[i]![j]!, 0) + [0.1, 0, -0.2, 0.3][j]!),
    );
    const w2 = [
      [1, -1],
      [0.5, 0.2],
      [-0.3, 0.8],
      [0.2, 0.1],
    ];
    const z = [0, 1].map((k) => h.reduce((s, hj, j) => s + hj * w2[j]![k]!, 0) + [0.05, -0.05][k]!);
    const e = z.map(Math.exp);
    const expected = e.map((v) => v / (e[0]! + e[1]!));
    const y = model.predict(tf.tensor2d([x])) as tf.Tensor;
    const got = await y.data();
    expected.forEach((v, i) => {
      expect(got[i]).toBeCloseTo(v, 5);
    });
    tf.dispose(y);
    model.dispose();
  });

  it('gives identical initial weights for the same seed and different ones for another', () => {
    const a = mlp({ inputShape: [20], depth: 2, width: 12, dropout: 0.3, outputUnits: 3, seed: 7 });
    const b = mlp({ inputShape: [20], depth: 2, width: 12, dropout: 0.3, outputUnits: 3, seed: 7 });
    const c = mlp({ inputShape: [20], depth: 2, width: 12, dropout: 0.3, outputUnits: 3, seed: 8 });
    const values = (m: typeof a) => m.getWeights().map((w) => Array.from(w.dataSync()));
    expect(values(b)).toEqual(values(a));
    expect(values(c)).not.toEqual(values(a));
    expect((b.getLayer('hidden_1_dropout') as Dropout).seed).toBe(
      (a.getLayer('hidden_1_dropout') as Dropout).seed,
    );
    expect((a.getLayer('hidden_2_dropout') as Dropout).seed).not.toBe(
      (a.getLayer('hidden_1_dropout') as Dropout).seed,
    );
    for (const m of [a, b, c]) m.dispose();
  });

  it('lets two models with the same layer names coexist and train independently', () => {
    const a = mlp({ inputShape: [4], hiddenUnits: [3], outputUnits: 2, seed: 1 });
    const b = mlp({ inputShape: [4], hiddenUnits: [3], outputUnits: 2, seed: 1 });
    const names = (m: typeof a) => m.weights.map((w) => w.name);
    expect(new Set([...names(a), ...names(b)]).size).toBe(names(a).length * 2);
    expect(a.weights.map((w) => w.originalName)).toEqual(b.weights.map((w) => w.originalName));
    b.getLayer('hidden_1').setWeights([tf.zeros([4, 3]), tf.zeros([3])]);
    expect(Array.from(kernelOf(a, 'hidden_1')).some((v) => v !== 0)).toBe(true);
    a.dispose();
    b.dispose();
  });

  it('draws heNormal kernels with std sqrt(2 / fanIn), truncated at 2 tfjs-sigmas (tfjs alone gives 0.88x)', () => {
    const fanIn = 256;
    const model = mlp({ inputShape: [fanIn], hiddenUnits: [400], outputUnits: 2, seed: 3 });
    const { mean, std, maxAbs } = moments(kernelOf(model, 'hidden_1'));
    const target = Math.sqrt(2 / fanIn);
    expect(Math.abs(mean)).toBeLessThan(0.01 * target);
    expect(std / target).toBeGreaterThan(0.99);
    expect(std / target).toBeLessThan(1.01);
    const bound = (2 * target) / TRUNCATED_NORMAL_STD;
    expect(maxAbs).toBeLessThanOrEqual(bound * (1 + 1e-6));
    expect(maxAbs).toBeGreaterThan(0.99 * bound);
    // tfjs' own heNormal: truncatedNormal(0, sqrt(2 / fanIn)), whose std is 0.8796 of that.
    const raw = tf.tidy(() => initializers.heNormal({ seed: 3 }).apply([fanIn, 400]));
    expect(moments(raw.dataSync() as Float32Array).std / target).toBeCloseTo(
      TRUNCATED_NORMAL_STD,
      2,
    );
    raw.dispose();
    model.dispose();
  });

  it('draws glorotUniform kernels in +-sqrt(6 / (fanIn + fanOut)) with the uniform std', () => {
    const model = mlp({
      inputShape: [300],
      hiddenUnits: [200],
      activation: 'tanh',
      outputUnits: 2,
      seed: 4,
    });
    const { std, maxAbs } = moments(kernelOf(model, 'hidden_1'));
    const limit = Math.sqrt(6 / (300 + 200));
    expect(maxAbs).toBeLessThanOrEqual(limit);
    expect(maxAbs).toBeGreaterThan(0.999 * limit);
    expect(std / (limit / Math.sqrt(3))).toBeCloseTo(1, 2);
    expect(
      Array.from(model.getLayer('hidden_1').getWeights()[1]!.dataSync()).every((v) => v === 0),
    ).toBe(true);
    model.dispose();
  });

  it('uses the chosen activation layer, leakyRelu with slope 0.01', async () => {
    const model = mlp({
      inputShape: [2],
      hiddenUnits: [2],
      activation: 'leakyRelu',
      outputUnits: 1,
      seed: 1,
    });
    const act = model.getLayer('hidden_1_activation');
    const y = act.apply(tf.tensor2d([[-2, 3]])) as tf.Tensor;
    expect(Array.from(await y.data())).toEqual([expect.closeTo(-0.02, 6), 3]);
    expect(model.getLayer('hidden_1').getConfig().activation).toBe('linear');
    tf.dispose(y);
    model.dispose();
  });

  it('passes regularizers and constraints to every dense layer and uses the hidden-layer factory', () => {
    const kernelRegularizer = regularizers.l2({ l2: 0.01 });
    const seen: string[] = [];
    const model = mlp({
      inputShape: [5],
      depth: 2,
      width: 4,
      outputUnits: 3,
      seed: 1,
      kernelRegularizer,
      kernelConstraint: constraints.maxNorm({ maxValue: 2 }),
      hiddenLayer: (args) => {
        seen.push(args.name);
        expect(args.activation).toBe('linear');
        return layers.dense(args);
      },
      afterHidden: (i) => [layers.batchNormalization({ name: `bn_${i}` })],
    });
    expect(seen).toEqual(['hidden_1', 'hidden_2']);
    expect(model.layers.map((l) => l.name)).toEqual([
      'hidden_1',
      'hidden_1_activation',
      'bn_1',
      'hidden_2',
      'hidden_2_activation',
      'bn_2',
      'output',
    ]);
    for (const name of ['hidden_1', 'hidden_2', 'output']) {
      const config = model.getLayer(name).getConfig() as Record<
        string,
        { className?: string; config?: Record<string, number> } | null
      >;
      expect(config.kernelRegularizer?.className).toBe('L1L2');
      expect(config.kernelRegularizer?.config?.l2).toBeCloseTo(0.01, 8);
      expect(config.kernelConstraint?.className).toBe('MaxNorm');
      expect(config.biasRegularizer).toBeNull();
    }
    model.dispose();
  });

  it('defaults to depth 2 x width 256 and supports zero hidden layers', () => {
    const a = mlp({ inputShape: [3], outputUnits: 2, seed: 1 });
    expect(a.layers.map((l) => l.outputShape)).toEqual([
      [null, 256],
      [null, 256],
      [null, 256],
      [null, 256],
      [null, 2],
    ]);
    const b = mlp({ inputShape: [3], depth: 0, outputUnits: 2, seed: 1 });
    expect(b.layers.map((l) => l.name)).toEqual(['output']);
    a.dispose();
    b.dispose();
  });

  it('rejects bad options before building anything', () => {
    const base = { inputShape: [3], outputUnits: 2 };
    expect(() => mlp({ ...base, hiddenUnits: [4], depth: 2 })).toThrow(
      /options.hiddenUnits must be given without options.depth/,
    );
    expect(() => mlp({ ...base, dropout: 1 })).toThrow(
      'options.dropout must be a number in [0, 1), got 1',
    );
    expect(() => mlp({ ...base, activation: 'gelu' as 'relu' })).toThrow(
      /options.activation must be one of 'relu'/,
    );
    expect(() => mlp({ ...base, widht: 3 } as never)).toThrow(/options.widht/);
    expect(() => mlp({ inputShape: [3, 0], outputUnits: 2 })).toThrow(
      'options.inputShape[1] must be an integer >= 1, got 0',
    );
    expect(() => mlp({ inputShape: [3], outputUnits: 0 })).toThrow(InvalidArgumentError);
    expect(() => mlp({ ...base, seed: 0.5 })).toThrow(/options.seed/);
    expect(() =>
      mlp({
        ...base,
        hiddenUnits: [2],
        hiddenLayer: (args) => layers.dense({ ...args, name: 'other' }),
      }),
    ).toThrow(/keep args.name/);
    expect(() => mlp({ ...base, name: 'bad name' })).toThrow(/options.name/);
  });

  it('round-trips through its JSON config (seeded Dropout and initializers included)', async () => {
    const model = mlp({
      inputShape: [2, 3],
      hiddenUnits: [4],
      activation: 'leakyRelu',
      dropout: 0.3,
      outputUnits: 2,
      seed: 11,
    });
    const restored = await models.modelFromJSON({
      modelTopology: model.toJSON(null, false) as never,
    });
    expect(restored.layers.map((l) => [l.name, l.getClassName()])).toEqual(
      model.layers.map((l) => [l.name, l.getClassName()]),
    );
    expect((restored.getLayer('hidden_1_dropout') as Dropout).seed).toBe(
      (model.getLayer('hidden_1_dropout') as Dropout).seed,
    );
    expect(restored.getLayer('hidden_1').getConfig().kernelInitializer).toEqual(
      model.getLayer('hidden_1').getConfig().kernelInitializer,
    );
    model.dispose();
    restored.dispose();
  });

  it('leaks no tensors when predicting repeatedly', () => {
    const model = mlp({ inputShape: [6], hiddenUnits: [5], dropout: 0.5, outputUnits: 2, seed: 1 });
    const x = tf.ones([4, 6]);
    tf.dispose(model.predict(x) as tf.Tensor);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.dispose(model.apply(x, { training: true }) as tf.Tensor);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    model.dispose();
  });
});

describe('mlp({ weightNorm: true })', () => {
  it('wraps every Dense in WeightNormalization with the same names, output and init', async () => {
    const plain = mlp({ inputShape: [5], hiddenUnits: [4], outputUnits: 3, seed: 2 });
    const wn = mlp({
      inputShape: [5],
      hiddenUnits: [4],
      outputUnits: 3,
      seed: 2,
      weightNorm: true,
    });
    expect(wn.layers.map((l) => l.name)).toEqual(plain.layers.map((l) => l.name));
    expect(wn.layers.map((l) => l.getClassName())).toEqual([
      'OverfitWeightNormalization',
      'Activation',
      'OverfitWeightNormalization',
    ]);
    expect(wn.getLayer('hidden_1').weights.map((w) => w.originalName)).toEqual([
      'hidden_1/kernel',
      'hidden_1/g',
      'hidden_1/bias',
    ]);
    // g starts at ||v||, so the initial function is the plain MLP's (same seeded kernels).
    const x = tf.randomNormal([3, 5], 0, 1, 'float32', 1);
    const [a, b] = [plain.predict(x) as tf.Tensor, wn.predict(x) as tf.Tensor];
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
    expect(diff).toBeLessThan(1e-4);
    expect(() =>
      mlp({
        inputShape: [5],
        outputUnits: 2,
        weightNorm: true,
        hiddenLayer: (args) => layers.dense(args),
      }),
    ).toThrow(/options.weightNorm must be left out with options.hiddenLayer/);
    tf.dispose([x, a, b]);
    plain.dispose();
    wn.dispose();
  });
});

describe('mlp({ dropConnect })', () => {
  it("builds DropConnectDense hidden layers with the plain MLP's initial weights and seeded masks", () => {
    const plain = mlp({ inputShape: [5], hiddenUnits: [4, 4], outputUnits: 3, seed: 2 });
    const dc = mlp({
      inputShape: [5],
      hiddenUnits: [4, 4],
      outputUnits: 3,
      seed: 2,
      dropConnect: 0.3,
    });
    expect(dc.layers.map((l) => l.name)).toEqual(plain.layers.map((l) => l.name));
    expect(dc.layers.map((l) => l.getClassName())).toEqual([
      'OverfitDropConnectDense',
      'Activation',
      'OverfitDropConnectDense',
      'Activation',
      'Dense',
    ]);
    const hidden = dc.getLayer('hidden_1').getConfig() as { rate: number; seed: number };
    expect(hidden.rate).toBe(0.3);
    // Seeds from the model's seed, one per layer, so a rerun repeats the masks.
    const again = mlp({
      inputShape: [5],
      hiddenUnits: [4, 4],
      outputUnits: 3,
      seed: 2,
      dropConnect: 0.3,
    });
    expect((again.getLayer('hidden_1').getConfig() as { seed: number }).seed).toBe(hidden.seed);
    expect((dc.getLayer('hidden_2').getConfig() as { seed: number }).seed).not.toBe(hidden.seed);
    const weights = (m: typeof plain) => m.getWeights().map((w) => Array.from(w.dataSync()));
    expect(weights(dc)).toEqual(weights(plain));
    // Inference is the mean network: the same function as the plain MLP.
    const x = tf.randomNormal([3, 5], 0, 1, 'float32', 1);
    const [a, b] = [plain.predict(x) as tf.Tensor, dc.predict(x) as tf.Tensor];
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
    expect(diff).toBeLessThan(1e-5);
    tf.dispose([x, a, b]);
    for (const m of [plain, dc, again]) m.dispose();
  });

  it('refuses a rate outside [0, 1) and a combination with hiddenLayer or weightNorm', () => {
    expect(() => mlp({ inputShape: [5], outputUnits: 2, dropConnect: 1 })).toThrow(
      InvalidArgumentError,
    );
    expect(() =>
      mlp({ inputShape: [5], outputUnits: 2, dropConnect: 0.2, weightNorm: true }),
    ).toThrow(
      /options.dropConnect must be left out with options.hiddenLayer and options.weightNorm/,
    );
    expect(() =>
      mlp({
        inputShape: [5],
        outputUnits: 2,
        dropConnect: 0.2,
        hiddenLayer: (args) => layers.dense(args),
      }),
    ).toThrow(/options.dropConnect/);
  });
});
