// WeightNormalization against torch.nn.utils.weight_norm(dim=0) (fixtures/make_weight_norm.py):
// forward values and gradients wrt g, v, bias and x, for Dense and Conv2D.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { onWasm, tolerance } from '../../../../test/backend.js';
import fixture from '../../fixtures/weight-norm.json' with { type: 'json' };
import { maxRelError, roundTrip } from '../test-helpers.js';
import { WeightNormalization } from './weight-norm.js';

interface Case {
  v: tf.TensorLike;
  g: number[];
  gInit: number[];
  bias: number[];
  x: tf.TensorLike;
  y: unknown;
  c: tf.TensorLike;
  gradV: unknown;
  gradG: number[];
  gradBias: number[];
  gradX: unknown;
}
const NHWC = [0, 2, 3, 1];

/** Builds the wrapped layer with the fixture's v, g, bias (tfjs layouts). */
function layerFor(kind: 'dense' | 'conv', c: Case): WeightNormalization {
  const wn =
    kind === 'dense'
      ? new WeightNormalization({ layer: tf.layers.dense({ units: 2, inputShape: [3] }) })
      : new WeightNormalization({
          layer: tf.layers.conv2d({ filters: 3, kernelSize: 2, inputShape: [4, 4, 2] }),
        });
  const v = tf.tidy(() =>
    kind === 'dense' ? tf.transpose(tf.tensor(c.v)) : tf.transpose(tf.tensor(c.v), [2, 3, 1, 0]),
  );
  wn.build(kind === 'dense' ? [null, 3] : [null, 4, 4, 2]);
  const g = tf.tensor1d(c.g);
  const b = tf.tensor1d(c.bias);
  wn.setWeights([v, g, b]);
  tf.dispose([v, g, b]);
  return wn;
}

const input = (kind: 'dense' | 'conv', c: Case) =>
  tf.tidy(() => (kind === 'dense' ? tf.tensor(c.x) : tf.transpose(tf.tensor(c.x), NHWC)));
const torchLayout = (kind: 'dense' | 'conv', t: tf.Tensor) =>
  kind === 'dense'
    ? t
    : tf.transpose(t, kind === 'conv' && t.rank === 4 ? [0, 3, 1, 2] : undefined);
/** Frees a layer built by hand (tfjs' Layer.dispose needs a symbolic call first). */
const release = (layer: tf.layers.Layer) => {
  for (const w of layer.weights) w.dispose();
};
const flat = (v: unknown) => (v as number[]).flat(4) as number[];

for (const kind of ['dense', 'conv'] as const) {
  const c = fixture[kind] as Case;
  describe(`WeightNormalization(${kind === 'dense' ? 'Dense' : 'Conv2D'}) vs torch weight_norm`, () => {
    it('forward: y = layer(x) with w = g v / ||v||', () => {
      const wn = layerFor(kind, c);
      const x = input(kind, c);
      const y = tf.tidy(() => torchLayout(kind, wn.apply(x) as tf.Tensor));
      expect(maxRelError(y.dataSync(), flat(c.y))).toBeLessThan(tolerance);
      tf.dispose([x, y]);
      release(wn);
    });

    // wasm has no Conv2DBackpropFilter (CONVENTIONS.md): conv gradients only on cpu.
    it.skipIf(onWasm && kind === 'conv')('gradients wrt g, v, bias and x', () => {
      const wn = layerFor(kind, c);
      const x = input(kind, c);
      const weights = tf.tidy(() =>
        kind === 'dense' ? tf.tensor(c.c) : tf.transpose(tf.tensor(c.c), NHWC),
      );
      const loss = (xx: tf.Tensor) =>
        tf.sum(tf.mul(wn.apply(xx) as tf.Tensor, weights)) as tf.Scalar;
      const { grads, value } = tf.variableGrads(() => loss(x));
      const [v, g, b] = wn.trainableWeights.map((w) => grads[(w.read() as tf.Variable).name]!);
      const gradV = tf.tidy(() =>
        kind === 'dense' ? tf.transpose(v!) : tf.transpose(v!, [3, 2, 0, 1]),
      );
      const gradX = tf.tidy(() => torchLayout(kind, tf.grad(loss)(x)));
      expect(maxRelError(gradV.dataSync(), flat(c.gradV))).toBeLessThan(tolerance);
      expect(maxRelError(g!.dataSync(), c.gradG)).toBeLessThan(tolerance);
      expect(maxRelError(b!.dataSync(), c.gradBias)).toBeLessThan(tolerance);
      expect(maxRelError(gradX.dataSync(), flat(c.gradX))).toBeLessThan(tolerance);
      tf.dispose([x, weights, value, gradV, gradX, ...Object.values(grads)]);
      release(wn);
    });
  });
}

describe('WeightNormalization', () => {
  it('starts with g = ||v|| (torch init), so the kernel is the initializer output', () => {
    const wn = new WeightNormalization({
      layer: tf.layers.dense({
        units: 2,
        inputShape: [3],
        kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
      }),
    });
    wn.build([null, 3]);
    const [v, g] = wn.getWeights();
    const norms = tf.tidy(() => tf.norm(v!, 'euclidean', 0));
    expect(maxRelError(g!.dataSync(), norms.dataSync())).toBeLessThan(1e-6);
    const w = wn.kernel();
    expect(maxRelError(w.dataSync(), v!.dataSync())).toBeLessThan(tolerance);
    const norms0 = fixture.dense.gInit;
    expect(norms0).toHaveLength(2); // torch's init is the same rule
    tf.dispose([norms, w]);
    release(wn);
  });

  it('trains in model.fit, saves and loads back (registered), leaks nothing', async () => {
    const model = tf.sequential({
      layers: [
        new WeightNormalization({
          layer: tf.layers.dense({ units: 8, activation: 'tanh', inputShape: [4] }),
          name: 'hidden',
        }),
        new WeightNormalization({ layer: tf.layers.dense({ units: 1 }) }),
      ],
    });
    expect(model.layers[0]!.trainableWeights.map((w) => w.originalName)).toEqual([
      'hidden/kernel',
      'hidden/g',
      'hidden/bias',
    ]);
    model.compile({ optimizer: tf.train.adam(0.05), loss: 'meanSquaredError' });
    const x = tf.randomNormal([32, 4], 0, 1, 'float32', 1);
    const y = tf.sum(x, 1, true);
    const h = await model.fit(x, y, { epochs: 20, batchSize: 32, verbose: 0 });
    const losses = h.history.loss as number[];
    expect(losses.at(-1)!).toBeLessThan(losses[0]! / 2);
    const { topology, loaded } = await roundTrip(model);
    const names = (topology.config.layers as { class_name: string }[]).map((l) => l.class_name);
    expect(names).toEqual(['OverfitWeightNormalization', 'OverfitWeightNormalization']);
    const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
    expect(maxRelError(b.dataSync(), a.dataSync())).toBeLessThan(tolerance);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.dispose(model.predict(x) as tf.Tensor);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y, a, b]);
    model.dispose();
    loaded.dispose();
  });

  it('refuses layers it cannot reparametrize, naming the argument', () => {
    expect(() => new WeightNormalization({ layer: tf.layers.dropout({ rate: 0.1 }) })).toThrow(
      /layer must be a tf.layers.dense\(\.\.\.\) or tf.layers.conv2d\(\.\.\.\) layer.*got .*a Dropout layer/,
    );
    expect(
      () =>
        new WeightNormalization({
          layer: tf.layers.conv2d({ filters: 2, kernelSize: 2, dataFormat: 'channelsFirst' }),
        }),
    ).toThrow(/layer.dataFormat/);
    expect(() => new WeightNormalization(undefined as never)).toThrow(/layer/);
  });
});

describe('README: Weight normalization', () => {
  it('runs as written', async () => {
    const model = tf.sequential({
      layers: [
        new WeightNormalization({
          layer: tf.layers.dense({ units: 8, activation: 'tanh', inputShape: [4] }),
          name: 'hidden',
        }),
        new WeightNormalization({ layer: tf.layers.dense({ units: 1 }) }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(0.05), loss: 'meanSquaredError' });
    const x = tf.randomNormal([32, 4], 0, 1, 'float32', 1);
    const y = tf.sum(x, 1, true);
    await model.fit(x, y, { epochs: 20, batchSize: 32, verbose: 0 });
    expect(model.layers[0]!.weights.map((w) => w.originalName)).toEqual([
      'hidden/kernel',
      'hidden/g',
      'hidden/bias',
    ]);
    tf.dispose([x, y]);
    model.dispose();
  });
});
