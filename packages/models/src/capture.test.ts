import {
  ActivationProbe,
  captureActivations,
  defaultCaptureLayers,
  InvalidArgumentError,
  Rng,
} from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import {
  model as functionalModel,
  input,
  layers,
  type SymbolicTensor,
} from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { tolerance } from '../../../test/backend.js';
import { cnn } from './cnn.js';
import { mlp } from './mlp.js';

function randomTensor(shape: number[], seed: number): tf.Tensor {
  const rng = new Rng(seed);
  return tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform(-1, 1)),
    shape,
  );
}

async function expectAllClose(actual: tf.Tensor, expected: tf.Tensor): Promise<void> {
  expect(actual.shape).toEqual(expected.shape);
  const a = await actual.data();
  const e = await expected.data();
  const scale = Math.max(1, ...Array.from(e, Math.abs));
  for (let i = 0; i < e.length; i++)
    expect(Math.abs(a[i]! - e[i]!)).toBeLessThanOrEqual(tolerance * scale);
}

const disposeResult = (r: { output: tf.Tensor; activations: Record<string, tf.Tensor> }) =>
  tf.dispose([r.output, ...Object.values(r.activations)]);

describe('defaultCaptureLayers', () => {
  it('takes layers with weights and activation layers, not the output layer', () => {
    const model = mlp({
      inputShape: [2, 3],
      depth: 2,
      width: 4,
      dropout: 0.1,
      outputUnits: 2,
      seed: 1,
    });
    expect(defaultCaptureLayers(model)).toEqual([
      'hidden_1',
      'hidden_1_activation',
      'hidden_2',
      'hidden_2_activation',
    ]);
    const conv = cnn({ inputShape: [8, 8, 1], filters: [2, 3], denseUnits: 4, seed: 1 });
    expect(defaultCaptureLayers(conv)).toEqual([
      'conv_1',
      'conv_1_activation',
      'conv_2',
      'conv_2_activation',
      'dense_1',
      'dense_1_activation',
    ]);
    model.dispose();
    conv.dispose();
  });
});

describe('ActivationProbe', () => {
  it('captures pre- and post-activation values equal to a manual forward pass', async () => {
    const model = mlp({ inputShape: [3], hiddenUnits: [5, 4], outputUnits: 2, seed: 2 });
    const x = randomTensor([6, 3], 1);
    const probe = new ActivationProbe(model);
    const result = probe.run(x);
    const [w1, b1, w2, b2, w3, b3] = model.getWeights();
    const manual = tf.tidy(() => {
      const z1 = tf.add(tf.matMul(x, w1!), b1!);
      const a1 = tf.relu(z1);
      const z2 = tf.add(tf.matMul(a1, w2!), b2!);
      const a2 = tf.relu(z2);
      return { z1, a1, z2, a2, out: tf.add(tf.matMul(a2, w3!), b3!) };
    });
    expect(Object.keys(result.activations)).toEqual([
      'hidden_1',
      'hidden_1_activation',
      'hidden_2',
      'hidden_2_activation',
    ]);
    await expectAllClose(result.activations.hidden_1!, manual.z1);
    await expectAllClose(result.activations.hidden_1_activation!, manual.a1);
    await expectAllClose(result.activations.hidden_2!, manual.z2);
    await expectAllClose(result.activations.hidden_2_activation!, manual.a2);
    await expectAllClose(result.output, manual.out);
    disposeResult(result);
    tf.dispose([x, ...Object.values(manual)]);
    model.dispose();
  });

  it('runs dropout in training mode with fresh masks, identity otherwise', async () => {
    const model = mlp({
      inputShape: [4],
      hiddenUnits: [64],
      dropout: 0.5,
      outputUnits: 2,
      seed: 3,
    });
    const probe = new ActivationProbe(model, {
      layers: ['hidden_1_activation', 'hidden_1_dropout'],
    });
    const x = randomTensor([8, 4], 2);
    const train = probe.run(x, { training: true });
    const act = await train.activations.hidden_1_activation!.data();
    const dropped = await train.activations.hidden_1_dropout!.data();
    let zeros = 0;
    for (let i = 0; i < act.length; i++) {
      if (dropped[i] === 0) zeros++;
      else expect(dropped[i]).toBeCloseTo(act[i]! / 0.5, 5);
    }
    expect(zeros).toBeGreaterThan(act.length * 0.3);
    const manualOut = tf.tidy(() => {
      const [w, b] = model.getLayer('output').getWeights();
      return tf.add(tf.matMul(train.activations.hidden_1_dropout!, w!), b!);
    });
    await expectAllClose(train.output, manualOut);
    const again = probe.run(x, { training: true });
    expect(Array.from(await again.activations.hidden_1_dropout!.data())).not.toEqual(
      Array.from(dropped),
    );
    const infer = probe.run(x);
    expect(Array.from(await infer.activations.hidden_1_dropout!.data())).toEqual(
      Array.from(await infer.activations.hidden_1_activation!.data()),
    );
    [train, again, infer].forEach(disposeResult);
    tf.dispose([x, manualOut]);
    model.dispose();
  });

  it('works inside tf.variableGrads with the same gradients as the plain model', async () => {
    const model = mlp({
      inputShape: [3],
      hiddenUnits: [4],
      activation: 'tanh',
      outputUnits: 2,
      seed: 4,
    });
    const probe = new ActivationProbe(model, { layers: ['hidden_1_activation'] });
    const x = randomTensor([5, 3], 3);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    // loss = mean(out^2) + 0.1 * sum(a^2): the activation penalty needs the captured tensor in the tape.
    const viaProbe = tf.variableGrads(() => {
      const { output, activations } = probe.run(x, { training: true });
      return tf.add(
        tf.mean(tf.square(output)),
        tf.mul(0.1, tf.sum(tf.square(activations.hidden_1_activation!))),
      ) as tf.Scalar;
    }, vars);
    const manual = tf.variableGrads(() => {
      const a = model
        .getLayer('hidden_1_activation')
        .apply(model.getLayer('hidden_1').apply(x)) as tf.Tensor;
      const out = model.getLayer('output').apply(a) as tf.Tensor;
      return tf.add(tf.mean(tf.square(out)), tf.mul(0.1, tf.sum(tf.square(a)))) as tf.Scalar;
    }, vars);
    expect(Object.keys(viaProbe.grads).sort()).toEqual(vars.map((v) => v.name).sort());
    for (const v of vars) await expectAllClose(viaProbe.grads[v.name]!, manual.grads[v.name]!);
    await expectAllClose(viaProbe.value, manual.value);
    tf.dispose([
      viaProbe.value,
      manual.value,
      ...Object.values(viaProbe.grads),
      ...Object.values(manual.grads),
    ]);
    x.dispose();
    model.dispose();
  });

  it('probes functional models with several inputs, sharing the weights', async () => {
    const a = input({ shape: [2] });
    const b = input({ shape: [3] });
    const left = layers.dense({ name: 'left', units: 2 }).apply(a) as SymbolicTensor;
    const joined = layers.concatenate({ name: 'join' }).apply([left, b]) as SymbolicTensor;
    const out = layers.dense({ name: 'head', units: 1 }).apply(joined) as SymbolicTensor;
    const model = functionalModel({ inputs: [a, b], outputs: out });
    const probe = new ActivationProbe(model, { layers: ['join', 'head'] });
    const xa = randomTensor([4, 2], 5);
    const xb = randomTensor([4, 3], 6);
    const result = probe.run([xa, xb]);
    const expectedJoin = tf.tidy(() =>
      tf.concat([model.getLayer('left').apply(xa) as tf.Tensor, xb], 1),
    );
    await expectAllClose(result.activations.join!, expectedJoin);
    const predicted = model.predict([xa, xb]) as tf.Tensor;
    await expectAllClose(result.output, predicted);
    await expectAllClose(result.activations.head!, predicted);
    expect(result.activations.head).not.toBe(result.output);
    model.getLayer('head').setWeights([tf.zeros([5, 1]), tf.ones([1])]);
    const after = probe.run([xa, xb]);
    expect(Array.from(await after.output.data())).toEqual([1, 1, 1, 1]);
    [result, after].forEach(disposeResult);
    tf.dispose([xa, xb, expectedJoin, predicted]);
    model.dispose();
  });

  it('rejects unknown layers, listing the real ones', () => {
    const model = mlp({ inputShape: [3], hiddenUnits: [2], outputUnits: 1, seed: 1 });
    expect(() => new ActivationProbe(model, { layers: ['hidden_9'] })).toThrow(
      InvalidArgumentError,
    );
    expect(() => new ActivationProbe(model, { layers: ['hidden_9'] })).toThrow(
      'options.layers[0] must be a top-level layer of the model (hidden_1, hidden_1_activation, output), got "hidden_9"',
    );
    expect(() => new ActivationProbe(model, { layer: ['x'] } as never)).toThrow(/options.layer/);
    expect(() =>
      new ActivationProbe(model).run(tf.zeros([1, 3]), { training: 1 as never }),
    ).toThrow(/options.training/);
    model.dispose();
  });
});

describe('captureActivations', () => {
  it('returns the activations only and leaks nothing across calls', async () => {
    const model = mlp({ inputShape: [3], hiddenUnits: [4], outputUnits: 2, seed: 5 });
    const x = randomTensor([2, 3], 7);
    tf.dispose(Object.values(captureActivations(model, x)));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const acts = captureActivations(model, x, {
        layers: ['hidden_1_activation', 'output'],
        training: true,
      });
      expect(Object.keys(acts)).toEqual(['hidden_1_activation', 'output']);
      expect(acts.output!.shape).toEqual([2, 2]);
      tf.dispose(Object.values(acts));
      disposeResult(new ActivationProbe(model).run(x));
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    model.dispose();
  });
});
