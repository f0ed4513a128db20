// Regression tests: the layers' own weight constraints run in stage 9, and a softmax output
// layer is refused with the logits loss.
import { InvalidArgumentError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { tolerance } from '../../../test/backend.js';
import { categoricalCrossEntropy, Trainer } from './index.js';
import { blobs } from './test-helpers.js';

const disposables: tf.TensorContainer[] = [];
afterEach(() => {
  tf.dispose(disposables.splice(0));
});

/** L2 norm of each column of a Dense kernel `[in, out]` (one per output unit). */
function columnNorms(kernel: tf.Tensor): number[] {
  return Array.from(tf.tidy(() => tf.sqrt(tf.sum(tf.square(kernel), 0))).dataSync());
}

describe('layer constraints in the Trainer (stage 9)', () => {
  it("enforces a Dense layer's kernelConstraint after every update", async () => {
    const data = blobs(20, 3, 1);
    disposables.push(data);
    const maxValue = 0.25;
    const norms: number[][] = [];
    const model = tf.sequential({
      layers: [
        tf.layers.dense({
          units: 8,
          inputShape: [2],
          activation: 'relu',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
          kernelConstraint: tf.constraints.maxNorm({ maxValue, axis: 0 }),
        }),
        tf.layers.dense({
          units: 3,
          kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
        }),
      ],
    });
    const kernel = model.layers[0]!.getWeights()[0]!;
    // Glorot init on [2, 8] gives column norms well above 0.25: the constraint has work to do.
    expect(Math.max(...columnNorms(kernel))).toBeGreaterThan(maxValue * 1.5);
    const trainer = new Trainer({
      model,
      optimizer: tf.train.sgd(0.5),
      seed: 1,
      callbacks: [
        { onBatchEnd: () => void norms.push(columnNorms(model.layers[0]!.getWeights()[0]!)) },
      ],
    });
    await trainer.fit(data, { epochs: 2, batchSize: 10 });
    expect(norms).toHaveLength(12);
    for (const step of norms) {
      for (const n of step) expect(n).toBeLessThanOrEqual(maxValue * (1 + tolerance) + 1e-6);
    }
    // The output layer has no constraint: it is left alone (its kernel grows past 0.25).
    expect(Math.max(...columnNorms(model.layers[1]!.getWeights()[0]!))).toBeGreaterThan(maxValue);
    model.dispose();
  });

  it('applies the layer constraint without leaking tensors', async () => {
    const data = blobs(10, 3, 2);
    disposables.push(data);
    const model = tf.sequential({
      layers: [
        tf.layers.dense({
          units: 3,
          inputShape: [2],
          kernelConstraint: tf.constraints.nonNeg(),
          biasConstraint: tf.constraints.nonNeg(),
        }),
      ],
    });
    const trainer = new Trainer({ model, optimizer: tf.train.adam(0.1), seed: 1 });
    await trainer.fit(data, { epochs: 1, batchSize: 10 });
    const before = tf.memory().numTensors;
    await trainer.fit(data, { epochs: 2, batchSize: 10 });
    expect(tf.memory().numTensors).toBe(before);
    for (const w of model.getWeights()) expect(w.min().dataSync()[0]).toBeGreaterThanOrEqual(0);
    model.dispose();
  });
});

describe('a softmax output with the logits loss', () => {
  const softmaxModel = (viaActivationLayer: boolean) =>
    tf.sequential({
      layers: viaActivationLayer
        ? [
            tf.layers.dense({ units: 3, inputShape: [2], name: 'logits' }),
            tf.layers.activation({ activation: 'softmax', name: 'probs' }),
          ]
        : [tf.layers.dense({ units: 3, inputShape: [2], activation: 'softmax', name: 'out' })],
    });

  it('is refused with the fix (Dense activation, Activation layer, Softmax layer)', () => {
    const models = [
      softmaxModel(false),
      softmaxModel(true),
      tf.sequential({
        layers: [tf.layers.dense({ units: 3, inputShape: [2] }), tf.layers.softmax()],
      }),
    ];
    for (const model of models) {
      for (const loss of [undefined, 'softmaxCrossEntropy'] as const) {
        const make = () => new Trainer({ model, optimizer: tf.train.sgd(0.1), loss });
        expect(make).toThrow(InvalidArgumentError);
        expect(make).toThrow(/activation 'linear'.*categoricalCrossEntropy.*applies softmax/);
      }
      const mse = () =>
        new Trainer({ model, optimizer: tf.train.sgd(0.1), loss: 'softmaxMeanSquaredError' });
      expect(mse).toThrow(/softmaxMeanSquaredError.*activation 'linear'.*'meanSquaredError'/);
      model.dispose();
    }
  });

  it('trains on probabilities with categoricalCrossEntropy', async () => {
    const data = blobs(20, 3, 3);
    disposables.push(data);
    const model = softmaxModel(false);
    const trainer = new Trainer({
      model,
      optimizer: tf.train.adam(0.05),
      loss: 'categoricalCrossEntropy',
      seed: 1,
    });
    const h = await trainer.fit(data, { epochs: 10, batchSize: 10, validationData: data });
    expect(h.history.loss!.at(-1)!).toBeLessThan(h.history.loss![0]! / 2);
    expect(h.history.valAccuracy!.at(-1)).toBeGreaterThan(0.9);
    model.dispose();
  });

  it('categoricalCrossEntropy equals the closed form (with Keras eps clipping)', () => {
    const p = [
      [0.7, 0.2, 0.1],
      [0, 0.5, 0.5],
    ];
    const y = [
      [1, 0, 0],
      [1, 0, 0],
    ];
    const eps = 1e-7;
    const expected = -(Math.log(0.7) + Math.log(eps)) / 2;
    const value = tf.tidy(
      () => categoricalCrossEntropy(tf.tensor2d(y), tf.tensor2d(p)).dataSync()[0]!,
    );
    expect(Math.abs(value - expected)).toBeLessThanOrEqual(tolerance * expected);
  });
});
