import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { tolerance } from '../../../test/backend.js';
import fixture from '../fixtures/label-smoothing.json';
import {
  labelSmoothingLoss,
  smoothedCrossEntropy,
  smoothLabels,
  softmaxCrossEntropyWithSmoothing,
} from './label-smoothing.js';
import { finiteDifference, maxRelError } from './test-helpers.js';

const logits = () => tf.tensor(fixture.logits);
const ids = () => tf.tensor1d(fixture.labels, 'int32');

describe('smoothLabels', () => {
  it('is (1 - eps) * y + eps / K', () => {
    const y = smoothLabels(tf.oneHot(tf.tensor1d([2, 0], 'int32'), 4), 0.2);
    expect(
      maxRelError(y.dataSync(), [0.05, 0.05, 0.85, 0.05, 0.85, 0.05, 0.05, 0.05]),
    ).toBeLessThan(tolerance);
    expect(() => smoothLabels(tf.ones([2, 2]), 1.5)).toThrow(
      'epsilon must be a number in [0, 1], got 1.5',
    );
  });
});

describe('smoothedCrossEntropy with label smoothing', () => {
  it.each(fixture.cases)(
    'matches torch.nn.CrossEntropyLoss(label_smoothing=$epsilon) with class ids',
    (c) => {
      const loss = softmaxCrossEntropyWithSmoothing(ids(), logits(), c.epsilon);
      expect(maxRelError(loss.dataSync(), [c.loss])).toBeLessThan(tolerance);
      const perSample = smoothedCrossEntropy(ids(), logits(), {
        labelSmoothing: c.epsilon,
        reduction: 'none',
      });
      expect(maxRelError(perSample.dataSync(), c.perSample)).toBeLessThan(tolerance);
    },
  );

  it.each(fixture.cases)(
    'gives the same with one-hot labels and as a sum (eps = $epsilon)',
    (c) => {
      const oneHot = tf.oneHot(ids(), 4);
      const loss = smoothedCrossEntropy(oneHot, logits(), {
        labelSmoothing: c.epsilon,
        reduction: 'sum',
      });
      expect(maxRelError(loss.dataSync(), [c.loss * fixture.labels.length])).toBeLessThan(
        tolerance,
      );
    },
  );

  it('takes probabilities with fromLogits: false', () => {
    const c = fixture.cases[1]!;
    const probs = tf.softmax(logits());
    const loss = smoothedCrossEntropy(ids(), probs, {
      labelSmoothing: c.epsilon,
      fromLogits: false,
    });
    expect(maxRelError(loss.dataSync(), [c.loss])).toBeLessThan(Math.max(tolerance, 1e-5));
  });

  it('gradient wrt logits matches finite differences and the closed form softmax - target', () => {
    const eps = 0.1;
    const x = tf.tensor([
      [0.3, -1.2, 2.0],
      [1.1, 0.4, -0.7],
    ]);
    const labels = tf.tensor1d([2, 1], 'int32');
    const f = (z: tf.Tensor) => softmaxCrossEntropyWithSmoothing(labels, z, eps);
    const analytic = tf.grad(f)(x);
    expect(maxRelError(analytic.dataSync(), finiteDifference(f, x))).toBeLessThan(1e-3);
    const target = smoothLabels(tf.oneHot(labels, 3), eps);
    const closed = tf.div(tf.sub(tf.softmax(x), target), 2);
    expect(maxRelError(analytic.dataSync(), closed.dataSync())).toBeLessThan(tolerance);
  });

  it('rejects bad labels, shapes and options before computing', () => {
    expect(() => smoothedCrossEntropy(tf.tensor1d([0, 4], 'int32'), tf.zeros([2, 4]))).toThrow(
      'labels must be class ids that are integers in [0, 3], got 4',
    );
    expect(() => smoothedCrossEntropy(tf.zeros([2, 3]), tf.zeros([2, 4]))).toThrow(
      /fit neither class ids nor one-hot/,
    );
    expect(() =>
      smoothedCrossEntropy(tf.zeros([2]), tf.zeros([2, 4]), { labelSmoothing: -0.1 }),
    ).toThrow(/options.labelSmoothing/);
    expect(() =>
      smoothedCrossEntropy(tf.zeros([2]), tf.zeros([2, 4]), { reduction: 'avg' as never }),
    ).toThrow(/one of 'mean', 'sum', 'none'/);
    expect(() => labelSmoothingLoss(2)).toThrow(/epsilon must be/);
  });

  it('trains a softmax classifier in model.fit as a compile loss', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({
          units: 3,
          inputShape: [2],
          activation: 'softmax',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
        }),
      ],
    });
    model.compile({
      optimizer: tf.train.adam(0.1),
      loss: labelSmoothingLoss(0.2, { fromLogits: false }),
    });
    const x = tf.tensor([
      [1, 0],
      [0, 1],
      [-1, -1],
    ]);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2], 'int32'), 3);
    const history = await model.fit(x, y, { epochs: 60, verbose: 0 });
    const losses = history.history.loss as number[];
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]!);
    // With smoothing the optimum keeps p(true) near 1 - eps + eps/K = 0.8667, not 1.
    const p = (model.predict(x) as tf.Tensor).dataSync();
    expect(p[0]).toBeGreaterThan(0.6);
    expect(p[0]).toBeLessThan(0.95);
    model.dispose();
  });

  it('leaks no tensors', () => {
    const z = logits();
    const labels = ids();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.dispose(softmaxCrossEntropyWithSmoothing(labels, z, 0.1));
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("labelSmoothingLoss({ reduction: 'none' })", () => {
  it('gives the per-sample losses whose mean is the default reduction', () => {
    const y = tf.oneHot(tf.tensor1d([0, 2, 1], 'int32'), 3);
    const z = tf.tensor2d([
      [2, 0, -1],
      [0.5, 0.1, 0.3],
      [-1, 3, 0],
    ]);
    const each = labelSmoothingLoss(0.1, { reduction: 'none' })(y, z);
    const mean = labelSmoothingLoss(0.1)(y, z);
    expect(each.shape).toEqual([3]);
    expect(mean.dataSync()[0]).toBeCloseTo(tf.mean(each).dataSync()[0]!, 6);
    expect(() => labelSmoothingLoss(0.1, { reduction: 'sum' as 'none' })).toThrow(
      /options.reduction/,
    );
    tf.dispose([y, z, each, mean]);
  });
});
