import { mlp } from '@overfit/models';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { testBackend } from '../../../../test/backend.js';
import { Trainer } from '../index.js';

const disposables: tf.TensorContainer[] = [];
afterEach(() => {
  tf.dispose(disposables.splice(0));
});

async function deepNet(activation: 'sigmoid' | 'relu', init: 'glorotUniform' | 'heNormal') {
  const x = tf.randomNormal([64, 16], 0, 1, 'float32', 11);
  const y = tf.tidy(() => tf.cast(tf.greater(tf.sum(x, 1), 0), 'int32'));
  disposables.push(x, y);
  const model = mlp({
    inputShape: [16],
    depth: 10,
    width: 32,
    activation,
    init,
    outputUnits: 2,
    seed: 3,
  });
  const trainer = new Trainer({
    model,
    optimizer: tf.train.sgd(0.01),
    seed: 1,
    diagnostics: { gradientNorms: { every: 4 } },
  });
  const h = await trainer.fit({ x, y }, { epochs: 1, batchSize: 32 });
  model.dispose();
  const d = h.epochs[0]!.diagnostics!;
  const perLayer = d.gradientNorms!.perLayer;
  return { first: perLayer.hidden_1!.mean, last: perLayer.output!.mean, health: d.health! };
}

describe(`vanishing gradients, depth 10 [${testBackend}]`, () => {
  it('sigmoid + Glorot: the first layer gets orders of magnitude less gradient, and is flagged', async () => {
    const sigmoid = await deepNet('sigmoid', 'glorotUniform');
    const relu = await deepNet('relu', 'heNormal');
    expect(sigmoid.first / sigmoid.last).toBeLessThan(1e-4);
    expect(relu.first / relu.last).toBeGreaterThan(1e-1);
    expect(sigmoid.first).toBeLessThan(relu.first * 1e-3);
    expect(sigmoid.health.vanishing).toBe(true);
    expect(sigmoid.health.exploding).toBe(false);
    expect(relu.health.vanishing).toBe(false);
    expect(relu.health.exploding).toBe(false);
    // Layers input side first, as healthFlags expects.
    expect(sigmoid.health.layers.map((l) => l.name)).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `hidden_${i + 1}`),
      'output',
    ]);
    expect(sigmoid.health.ratio).toBeCloseTo(sigmoid.first / sigmoid.last, 10);
  });

  it('health thresholds are configurable and checked', async () => {
    const model = mlp({ inputShape: [4], depth: 1, width: 4, outputUnits: 2, seed: 1 });
    const optimizer = tf.train.sgd(0.1);
    const make = (diagnostics: unknown) =>
      new Trainer({ model, optimizer, diagnostics: diagnostics as never });
    expect(() => make({ healthThresholds: { minRatio: -1 } })).toThrow(
      /diagnostics\.healthThresholds\.minRatio must be a number >= 0, got -1/,
    );
    expect(() => make({ healthThresholds: { ratio: 1 } })).toThrow(
      /diagnostics\.healthThresholds\.ratio must be not set/,
    );
    expect(() => make({ gradientNorms: { every: 0 } })).toThrow(
      /diagnostics\.gradientNorms\.every must be an integer >= 1, got 0/,
    );
    expect(() => make({ gradientNorms: 'yes' })).toThrow(
      /diagnostics\.gradientNorms must be true or false/,
    );
    expect(() => make({ distributions: { probeSize: 0 } })).toThrow(
      /diagnostics\.distributions\.probeSize must be an integer >= 1, got 0/,
    );
    expect(() => make({ distributions: { layers: ['nope'] } })).toThrow(
      /diagnostics\.distributions\.layers\[0\] must be a top-level layer of the model/,
    );
    expect(() => make({ distributions: { bins: 0 } })).toThrow(/diagnostics\.distributions\.bins/);
    expect(() => make({ histograms: true })).toThrow(/diagnostics\.histograms must be not set/);
    expect(() => make(null)).toThrow(/diagnostics must be an object/);

    const x = tf.randomNormal([8, 4], 0, 1, 'float32', 2);
    const y = tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1], 'int32');
    disposables.push(x, y);
    const strict = make({ gradientNorms: true, healthThresholds: { explodingNorm: 1e-12 } });
    const h = await strict.fit({ x, y }, { epochs: 1, batchSize: 8 });
    const health = h.epochs[0]!.diagnostics!.health!;
    expect(health.exploding).toBe(true);
    expect(health.thresholds.explodingNorm).toBe(1e-12);
    expect(health.thresholds.vanishingNorm).toBe(1e-7);
    model.dispose();
  });
});
