import { UnsupportedBackendError } from '@overfit/core';
import { installKernels, uninstallKernels } from '@overfit/kernels';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { onWasm, testBackend } from '../../../test/backend.js';
import { Trainer } from './index.js';
import { blobs, mlp, weightValues } from './test-helpers.js';

// The Trainer registers no kernels (libraries leave global tfjs state alone); an app opts in
// with installKernels(). Training must come out the same with and without them.

afterEach(() => {
  uninstallKernels();
});

function convNet(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [8, 8, 1],
        filters: 4,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({
        filters: 3,
        kernelSize: 2,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
      }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
    ],
  });
}

function images(): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const { x: points, y } = blobs(8, 3, 2);
  const x = tf.tidy(() => {
    const ramp = tf.reshape(tf.linspace(0, 1, 64), [1, 8, 8, 1]);
    return tf.mul(ramp, tf.reshape(tf.sum(points, 1), [24, 1, 1, 1])) as tf.Tensor4D;
  });
  points.dispose();
  return { x, y };
}

/** Weights after 20 Adam steps (batch 6 of 24, 5 epochs). */
async function twentySteps(model: tf.Sequential, data: { x: tf.Tensor; y: tf.Tensor }) {
  const trainer = new Trainer({ model, optimizer: tf.train.adam(0.01), seed: 3 });
  await trainer.fit(data, { epochs: 5, batchSize: 6 });
  const weights = weightValues(model);
  trainer.optimizer.dispose();
  model.dispose();
  return weights;
}

function expectWeightsClose(a: Float32Array[], b: Float32Array[], rel: number): void {
  expect(a.length).toBe(b.length);
  a.forEach((w, k) => {
    const scale = Math.max(...Array.from(b[k]!, Math.abs), 1e-6);
    const worst = Math.max(...Array.from(w, (v, i) => Math.abs(v - b[k]![i]!)));
    expect(worst / scale).toBeLessThanOrEqual(rel);
  });
}

describe(`the Trainer with installKernels() (${testBackend})`, () => {
  it('an MLP trains to the same weights in 20 steps, without leaking', async () => {
    const { x: points, y } = blobs(8, 3, 4);
    const x = tf.tidy(() => tf.tile(points, [1, 8]) as tf.Tensor2D); // 16 features
    points.dispose();
    const stock = await twentySteps(mlp([16, 33, 17, 3], 5), { x, y });
    installKernels();
    const model = mlp([16, 33, 17, 3], 5);
    const before = tf.memory().numTensors;
    const fast = await twentySteps(model, { x, y });
    expect(tf.memory().numTensors).toBeLessThan(before); // the model's weights went with it
    expectWeightsClose(fast, stock, 1e-5);
    tf.dispose([x, y]);
  });

  it('a conv net trains to the same weights as on the cpu backend in 20 steps', async () => {
    const data = images();
    await tf.setBackend('cpu');
    const onCpu = await twentySteps(convNet(), data);
    await tf.setBackend(testBackend);
    installKernels();
    const fast = await twentySteps(convNet(), data);
    // Same backend: tfjs' own cpu kernels and fused Adam; wasm: XNNPACK sums in another order.
    expectWeightsClose(fast, onCpu, onWasm ? 1e-4 : 1e-5);
    tf.dispose(data);
  });

  it.runIf(onWasm)(
    'without them, refuses a conv net on wasm before the first step, naming the kernel and the fix',
    async () => {
      const data = images();
      const model = convNet();
      const trainer = new Trainer({ model, optimizer: tf.train.adam(0.01), seed: 3 });
      const weights = weightValues(model);
      const before = tf.memory().numTensors;
      await expect(trainer.fit(data, { epochs: 1, batchSize: 6 })).rejects.toThrow(
        UnsupportedBackendError,
      );
      await expect(trainer.fit(data, { epochs: 1, batchSize: 6 })).rejects.toThrow(
        /backend 'wasm' has no Conv2DBackpropFilter kernel, which training layer '[^']+' \(Conv2D\) needs: call installKernels\(\) from '@overfit\/kernels'/,
      );
      expect(tf.memory().numTensors).toBe(before);
      expectWeightsClose(weightValues(model), weights, 0);
      model.dispose();
      tf.dispose(data);
    },
  );
});
