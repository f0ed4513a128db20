import { distributionSummary } from '@overfit/metrics';
import { mlp } from '@overfit/models';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { testBackend, tolerance } from '../../../../test/backend.js';
import { type EpochLog, Trainer } from '../index.js';

const disposables: tf.TensorContainer[] = [];
afterEach(() => {
  tf.dispose(disposables.splice(0));
});

function data(n: number, seed: number) {
  const x = tf.randomNormal([n, 6], 0, 1, 'float32', seed);
  const y = tf.tidy(() => tf.cast(tf.greater(tf.sum(x, 1), 0), 'int32'));
  disposables.push(x, y);
  return { x, y };
}

describe(`per-epoch distributions on the probe batch [${testBackend}]`, () => {
  it('are identical from epoch to epoch when the learning rate is 0 (a fixed probe batch)', async () => {
    const train = data(40, 1);
    const validation = data(30, 2);
    const model = mlp({
      inputShape: [6],
      hiddenUnits: [8, 5],
      dropout: 0.3,
      outputUnits: 2,
      seed: 4,
    });
    const trainer = new Trainer({
      model,
      optimizer: tf.train.sgd(0),
      seed: 1,
      diagnostics: { distributions: { probeSize: 20, bins: 8 } },
    });
    const h = await trainer.fit(train, { epochs: 2, batchSize: 16, validationData: validation });
    const [e0, e1] = h.epochs.map((e) => e.diagnostics!);
    expect(Object.keys(e0!.activations!)).toEqual(['hidden_1_activation', 'hidden_2_activation']);
    expect(Object.keys(e0!.gradients!)).toEqual(['hidden_1', 'hidden_2']);
    expect(Object.keys(e0!.deadFraction!)).toEqual(['hidden_1_activation', 'hidden_2_activation']);
    expect(e1!.activations).toEqual(e0!.activations);
    expect(e1!.gradients).toEqual(e0!.gradients);
    expect(e1!.deadFraction).toEqual(e0!.deadFraction);
    // The probe is the first 20 validation samples, in inference mode (dropout off).
    const act = e0!.activations!.hidden_2_activation!;
    expect(act.count).toBe(20 * 5);
    expect(act.histogram.counts).toHaveLength(8);
    const probeX = tf.slice(validation.x, 0, 20);
    const probeY = tf.oneHot(tf.slice(validation.y, 0, 20) as tf.Tensor1D, 2);
    const sub = tf.model({
      inputs: model.inputs,
      outputs: model.getLayer('hidden_2_activation').output as tf.SymbolicTensor,
    });
    const ref = sub.predict(probeX) as tf.Tensor;
    const refSummary = await distributionSummary(ref, { bins: 8 });
    expect(Math.abs(act.median - refSummary.median)).toBeLessThanOrEqual(
      tolerance * Math.max(1e-3, Math.abs(refSummary.median)),
    );
    expect(Math.abs(act.max - refSummary.max)).toBeLessThanOrEqual(
      tolerance * Math.abs(refSummary.max),
    );
    // Independent kernel gradient of the data loss on the probe batch.
    const kernel = model.getLayer('hidden_1').trainableWeights[0]!.read() as tf.Variable;
    const g = tf.grad((k: tf.Tensor) => {
      const h1 = tf.relu(tf.add(tf.matMul(probeX, k), model.getLayer('hidden_1').getWeights()[1]!));
      const h2 = tf.relu(
        tf.add(
          tf.matMul(h1, model.getLayer('hidden_2').getWeights()[0]!),
          model.getLayer('hidden_2').getWeights()[1]!,
        ),
      );
      const out = tf.add(
        tf.matMul(h2, model.getLayer('output').getWeights()[0]!),
        model.getLayer('output').getWeights()[1]!,
      );
      return tf.losses.softmaxCrossEntropy(probeY, out);
    })(kernel);
    const gSummary = await distributionSummary(g, { bins: 8 });
    const got = e0!.gradients!.hidden_1!;
    for (const key of ['min', 'max', 'mean'] as const)
      expect(Math.abs(got[key] - gSummary[key]), key).toBeLessThanOrEqual(
        tolerance * Math.max(Math.abs(gSummary[key]), 1e-4),
      );
    expect(got.count).toBe(6 * 8);
    tf.dispose([probeX, probeY, ref, g]);
    model.dispose();
  });

  it('without validation data the probe is the head of the training data; dead ReLUs counted', async () => {
    const train = data(24, 3);
    const model = mlp({ inputShape: [6], hiddenUnits: [4], outputUnits: 2, seed: 5 });
    // Kill unit 0 of hidden_1 for every input: zero weights and a negative bias.
    const [k] = model.getLayer('hidden_1').getWeights();
    const k2 = tf.tidy(() => tf.mul(k!, tf.tensor1d([0, 1, 1, 1])));
    const b2 = tf.tensor1d([-1, 0, 0, 0]);
    model.getLayer('hidden_1').setWeights([k2, b2]);
    tf.dispose([k2, b2]);
    const trainer = new Trainer({
      model,
      optimizer: tf.train.sgd(0),
      seed: 1,
      diagnostics: { distributions: { layers: ['hidden_1_activation'] } },
    });
    const h = await trainer.fit(train, { epochs: 1, batchSize: 8 });
    const d = h.epochs[0]!.diagnostics!;
    expect(d.activations!.hidden_1_activation!.count).toBe(24 * 4); // probeSize 256 > 24
    expect(d.deadFraction!.hidden_1_activation).toBeGreaterThanOrEqual(0.25);
    expect(d.sparsity['hidden_1/kernel']).toBeCloseTo(0.25, 6); // a zeroed column of 4
    expect(d.gradientNorms).toBeUndefined();
    expect(h.epochs[0]!.gradNorm).toBeUndefined();
    model.dispose();
  });
});

describe(`diagnostics as data [${testBackend}]`, () => {
  it('plain JSON history; flat onEpochEnd logs with gradNorm; no tensor leaks with everything on', async () => {
    const train = data(30, 4);
    const validation = data(12, 5);
    const model = mlp({
      inputShape: [6],
      hiddenUnits: [8, 8],
      dropout: 0.2,
      outputUnits: 2,
      seed: 6,
    });
    const counts: number[] = [];
    const logs: Record<string, unknown>[] = [];
    const trainer = new Trainer({
      model,
      optimizer: tf.train.adam(0.01),
      seed: 2,
      clip: { globalNorm: 1, value: 0.5 },
      diagnostics: {
        gradientNorms: { every: 2 },
        distributions: { probeSize: 10, bins: 5 },
      },
      callbacks: [
        {
          onEpochEnd: (_e, l) => {
            logs.push({ ...l });
            counts.push(tf.memory().numTensors);
          },
        },
      ],
    });
    const h = await trainer.fit(train, { epochs: 3, batchSize: 8, validationData: validation });
    expect(counts[0]).toBe(counts[2]);
    // Weight norms are those of the weights at the end of the epoch.
    const n = tf.tidy(() => tf.norm(model.getLayer('output').getWeights()[0]!).dataSync()[0]!);
    const last = h.epochs[2]!.diagnostics!.weightNorms['output/kernel']!;
    expect(Math.abs(last - n)).toBeLessThanOrEqual(tolerance * n);
    const after = tf.memory().numTensors;
    await trainer.fit(train, { epochs: 3, batchSize: 8, validationData: validation });
    expect(tf.memory().numTensors).toBe(after);
    expect(JSON.parse(JSON.stringify(h))).toEqual(h);
    for (const l of logs) {
      expect(typeof l.gradNorm).toBe('number');
      for (const v of Object.values(l)) expect(typeof v).toBe('number');
    }
    expect(h.history.gradNorm).toHaveLength(3);
    expect(h.gradientSteps).toHaveLength(3 * 4);
    expect(h.gradientSteps!.map((s) => s.step)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    const d = h.epochs[2]!.diagnostics!;
    const params = [
      'hidden_1/kernel',
      'hidden_1/bias',
      'hidden_2/kernel',
      'hidden_2/bias',
      'output/kernel',
      'output/bias',
    ];
    expect(Object.keys(d.gradientNorms!.perParameter)).toEqual(params);
    expect(Object.keys(d.weightNorms)).toEqual(params);
    expect(Object.keys(d.updateRatios!)).toEqual(params);
    expect(Object.keys(d.sparsity)).toEqual([
      'hidden_1/kernel',
      'hidden_2/kernel',
      'output/kernel',
    ]);
    expect(Object.keys(d.gradientNorms!.perLayer)).toEqual(['hidden_1', 'hidden_2', 'output']);
    const e: EpochLog = h.epochs[2]!;
    expect(d.preClipGlobalNorm!.mean).toBeCloseTo(e.gradNorm!, 10);
    expect(d.gradientNorms!.global.mean).toBeCloseTo(e.gradNorm!, 10);
    expect(d.health!.layers).toHaveLength(3);
    for (const r of Object.values(d.updateRatios!)) expect(r).toBeGreaterThan(0);
    model.dispose();
  });
});
