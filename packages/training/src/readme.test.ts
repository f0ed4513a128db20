// The README example, run as written (so the documented code keeps working).

import type { Parameter } from '@overfit/core';
import { freeze, mlp, replaceHead } from '@overfit/models';
import { labelSmoothingLoss } from '@overfit/regularizers';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Trainer } from './index.js';

describe('README example', () => {
  it('trains, evaluates and predicts', async () => {
    const x = tf.randomNormal([512, 20], 0, 1, 'float32', 1);
    const y = tf.tidy(() => tf.cast(tf.greater(tf.sum(x, 1), 0), 'int32')); // class ids [N]

    const model = mlp({ inputShape: [20], hiddenUnits: [32], outputUnits: 2, seed: 1 });
    const l2 = {
      name: 'l2',
      penalty: (params: readonly Parameter[]) =>
        tf.mul(1e-3, tf.addN(params.map((p) => tf.sum(tf.square(p.variable))))) as tf.Scalar,
    };
    const trainer = new Trainer({
      model,
      optimizer: tf.train.adam(1e-2),
      penalties: [l2],
      seed: 42,
    });
    const batches: number[] = [];
    const history = await trainer.fit(
      { x, y },
      {
        epochs: 5,
        batchSize: 64,
        validationData: { x, y },
        onProgress: (p) => void batches.push(p.batch),
      },
    );
    expect(history.history.loss).toHaveLength(5);
    expect(history.history.valMacroF1!.at(-1)).toBeGreaterThan(0.9);
    expect(batches).toHaveLength(40);

    const { accuracy, macroF1, confusionMatrix } = await trainer.evaluate({ x, y });
    expect(accuracy).toBeGreaterThan(0.9);
    expect(macroF1).toBeGreaterThan(0.9);
    expect(confusionMatrix!.flat().reduce((s, v) => s + v, 0)).toBe(512);
    const logits = trainer.predict(x);
    expect(logits.shape).toEqual([512, 2]);
    tf.dispose([x, y, logits]);
    model.dispose();
  });

  it('diagnostics and clipping', async () => {
    const x = tf.randomNormal([256, 20], 0, 1, 'float32', 1);
    const y = tf.tidy(() => tf.cast(tf.greater(tf.sum(x, 1), 0), 'int32'));
    const model = mlp({ inputShape: [20], hiddenUnits: [32, 32], outputUnits: 2, seed: 1 });
    const trainer = new Trainer({
      model,
      optimizer: tf.train.adam(1e-2),
      seed: 1,
      clip: { globalNorm: 1 },
      diagnostics: {
        gradientNorms: { every: 4 },
        distributions: { probeSize: 128, bins: 20 },
        healthThresholds: { minRatio: 1e-4 },
      },
    });
    const h = await trainer.fit({ x, y }, { epochs: 3, batchSize: 32, validationData: { x, y } });
    const d = h.epochs[2]!.diagnostics!;
    expect(d.gradientNorms!.perLayer.hidden_1!.mean).toBeGreaterThan(0);
    expect(h.history.gradNorm).toHaveLength(3);
    expect(d.activations!.hidden_1_activation!.count).toBe(128 * 32);
    expect(d.gradients!.hidden_1!.histogram.counts).toHaveLength(20);
    expect(d.health!.vanishing).toBe(false);
    expect(d.deadFraction!.hidden_2_activation).toBeGreaterThanOrEqual(0);
    expect(d.sparsity['output/kernel']).toBeGreaterThanOrEqual(0);
    expect(h.gradientSteps).toHaveLength(24);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('class weights (README "Class weights")', async () => {
    // 90% class 0, 10% class 1
    const x = tf.randomNormal([320, 20], 0, 1, 'float32', 3);
    const y = tf.tidy(() =>
      tf.cast(tf.greater(tf.slice(x, [0, 0], [-1, 1]).squeeze(), 1.28), 'int32'),
    );
    const model = mlp({ inputShape: [20], hiddenUnits: [16], outputUnits: 2, seed: 1 });
    const trainer = new Trainer({
      model,
      optimizer: tf.train.adam(1e-2),
      classWeight: [0.556, 5],
      seed: 1,
    });
    const h = await trainer.fit({ x, y }, { epochs: 5, batchSize: 32 });
    const smoothed = new Trainer({
      model,
      optimizer: tf.train.adam(1e-2),
      numClasses: 2,
      classWeight: { 1: 5 },
      loss: labelSmoothingLoss(0.1, { reduction: 'none' }),
    });
    const h2 = await smoothed.fit({ x, y }, { epochs: 1, batchSize: 32 });
    expect(h.history.loss!.at(-1)!).toBeLessThan(h.history.loss![0]!);
    expect(Number.isFinite(h2.history.loss![0]!)).toBe(true);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('gradual unfreezing (README "Gradual unfreezing")', async () => {
    const x = tf.randomNormal([64, 2], 0, 1, 'float32', 5);
    const y = tf.tidy(() => tf.cast(tf.greater(tf.sum(x, 1), 0), 'int32'));
    const data = { x, y };
    const pretrained = mlp({ inputShape: [2], hiddenUnits: [8, 8], outputUnits: 5, seed: 1 });

    const model = replaceHead(pretrained, { units: 3, seed: 2 });
    freeze(model, (name) => name !== 'output'); // feature extraction first
    const trainer = new Trainer({ model, optimizer: tf.train.adam(1e-2), seed: 1 });
    await trainer.fit(data, {
      epochs: 6,
      unfreeze: [
        { epoch: 2, layers: ['hidden_2'] }, // partial fine-tuning
        { epoch: 4, layers: /^hidden_/ }, // full fine-tuning
      ],
    });
    expect(model.trainableWeights).toHaveLength(6);
    tf.dispose([x, y]);
    model.dispose();
    pretrained.getLayer('output').dispose();
  });
});
