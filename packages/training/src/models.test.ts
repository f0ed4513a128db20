import { installKernels, uninstallKernels } from '@overfit/kernels';
import { mlp } from '@overfit/models';
import { Dropout } from '@overfit/regularizers';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { Trainer } from './index.js';
import { blobs } from './test-helpers.js';

const disposables: tf.TensorContainer[] = [];
afterEach(() => {
  tf.dispose(disposables.splice(0));
});

describe('models the course uses', () => {
  it('runs dropout in training mode inside the step and not in evaluate', async () => {
    const data = blobs(8, 3, 1);
    disposables.push(data);
    const model = mlp({
      inputShape: [2],
      hiddenUnits: [16],
      outputUnits: 3,
      dropout: 0.5,
      seed: 1,
    });
    expect(model.layers.some((l) => l instanceof Dropout)).toBe(true);
    const gaps: number[] = [];
    // lr 0: the weights never move, so any gap between the step's outputs and inference is dropout.
    const lossHook = ({ yPred, x }: { yPred: tf.Tensor; x: tf.Tensor }) => {
      gaps.push(
        tf.tidy(() => tf.max(tf.abs(tf.sub(yPred, model.predict(x) as tf.Tensor))).dataSync()[0]!),
      );
      return undefined;
    };
    const trainer = new Trainer({ model, optimizer: tf.train.sgd(0), lossHook, seed: 1 });
    await trainer.fit(data, { epochs: 1, batchSize: 24 });
    expect(gaps[0]).toBeGreaterThan(1e-3);
    const a = await trainer.evaluate(data);
    const b = await trainer.evaluate(data);
    expect(b.loss).toBe(a.loss);
    model.dispose();
  });

  it('trains a small conv net (on wasm with the kernels of installKernels())', async () => {
    installKernels();
    const { x: points, y } = blobs(6, 3, 2);
    // 18 images 6x6x1: each blob point painted as a constant image scaled by its coordinates.
    const x = tf.tidy(() =>
      tf.mul(tf.ones([18, 6, 6, 1]), tf.reshape(tf.sum(points, 1), [18, 1, 1, 1])),
    );
    disposables.push(points, y, x);
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [6, 6, 1],
          filters: 4,
          kernelSize: 3,
          activation: 'relu',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
        }),
        tf.layers.flatten(),
        tf.layers.dense({
          units: 3,
          kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
        }),
      ],
    });
    const trainer = new Trainer({ model, optimizer: tf.train.adam(0.01), seed: 1 });
    const h = await trainer.fit({ x, y }, { epochs: 5, batchSize: 6 });
    const loss = h.history.loss!;
    expect(loss.at(-1)).toBeLessThan(loss[0]!);
    model.dispose();
    uninstallKernels();
  });
});
