import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { testBackend, tolerance } from '../../../../test/backend.js';
import { Trainer } from '../index.js';
import { blobs, mlp } from '../test-helpers.js';

const disposables: tf.TensorContainer[] = [];
afterEach(() => {
  tf.dispose(disposables.splice(0));
});

function close(actual: number, expected: number, tol = tolerance): void {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(
    tol * Math.max(Math.abs(expected), 1e-12),
  );
}

const norm = (xs: ArrayLike<number>) => Math.sqrt(Array.from(xs).reduce((s, v) => s + v * v, 0));

/** A softmax regression (one dense layer): its gradient has a closed form. */
function softmaxRegression(seed: number): tf.Sequential {
  const model = tf.sequential();
  model.add(
    tf.layers.dense({
      units: 3,
      inputShape: [2],
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
      biasInitializer: tf.initializers.randomNormal({ seed: seed + 1, stddev: 0.1 }),
    }),
  );
  return model;
}

/** Host closed form: dL/dW = X^T (softmax(XW + b) - Y) / B, dL/db = mean_i (softmax - Y). */
function closedFormGradient(
  x: number[][],
  ids: number[],
  w: number[][],
  b: number[],
): { dw: number[][]; db: number[] } {
  const k = b.length;
  const dw = w.map((row) => row.map(() => 0));
  const db = b.map(() => 0);
  x.forEach((xi, i) => {
    const z = b.map((bj, j) => bj + xi.reduce((s, v, d) => s + v * w[d]![j]!, 0));
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const sum = e.reduce((s, v) => s + v, 0);
    for (let j = 0; j < k; j++) {
      const r = (e[j]! / sum - (ids[i] === j ? 1 : 0)) / x.length;
      db[j]! += r;
      xi.forEach((v, d) => {
        dw[d]![j]! += v * r;
      });
    }
  });
  return { dw, db };
}

describe(`gradient norms [${testBackend}]`, () => {
  it('match the closed-form gradient of a softmax regression (per parameter, layer, global)', async () => {
    const data = blobs(4, 3, 1); // 12 samples, one batch
    disposables.push(data);
    const model = softmaxRegression(3);
    const [w, b] = model.getWeights().map((t) => t.arraySync()) as [number[][], number[]];
    const { dw, db } = closedFormGradient(data.x.arraySync(), Array.from(data.y.dataSync()), w, b);
    const trainer = new Trainer({
      model,
      optimizer: tf.train.sgd(0.1),
      seed: 1,
      diagnostics: { gradientNorms: { every: 1 } },
    });
    const h = await trainer.fit(data, { epochs: 1, batchSize: 12, shuffle: false });
    const d = h.epochs[0]!.diagnostics!;
    const kernel = norm(dw.flat());
    const bias = norm(db);
    const global = Math.sqrt(kernel ** 2 + bias ** 2);
    const name = model.layers[0]!.name;
    close(d.gradientNorms!.perParameter[`${name}/kernel`]!.last, kernel);
    close(d.gradientNorms!.perParameter[`${name}/bias`]!.last, bias);
    close(d.gradientNorms!.perLayer[name]!.mean, global);
    close(d.gradientNorms!.global.max, global);
    close(h.epochs[0]!.gradNorm!, global);
    expect(h.gradientSteps).toHaveLength(1);
    close(h.gradientSteps![0]!.global, global);
    // SGD: Δw = -lr g, so the update ratio is lr ||g|| / ||w||.
    close(d.updateRatios![`${name}/kernel`]!, (0.1 * kernel) / norm(w.flat()));
    model.dispose();
  });

  it('aggregate per layer and globally like tf.grads on a two-layer net, every step', async () => {
    const data = blobs(6, 3, 2); // 18 samples, batches of 6: 3 steps
    disposables.push(data);
    const model = mlp([2, 5, 3], 4);
    const optimizer = tf.train.sgd(0.05);
    // Independent reference: replay the same three SGD steps with tf.variableGrads.
    const replica = mlp([2, 5, 3], 4);
    replica.setWeights(model.getWeights());
    const expected: { global: number; perLayer: number[] }[] = [];
    for (let s = 0; s < 3; s++) {
      const xb = tf.slice(data.x, s * 6, 6);
      const yb = tf.oneHot(tf.slice(data.y, s * 6, 6) as tf.Tensor1D, 3);
      const { value, grads } = tf.variableGrads(
        () => tf.losses.softmaxCrossEntropy(yb, replica.apply(xb) as tf.Tensor) as tf.Scalar,
        replica.trainableWeights.map((v) => v.read() as tf.Variable),
      );
      const gs = replica.trainableWeights.map((v) => grads[(v.read() as tf.Variable).name]!);
      const norms = gs.map((g) => norm(g.dataSync()));
      expected.push({
        global: norm(norms),
        perLayer: [norm(norms.slice(0, 2)), norm(norms.slice(2, 4))],
      });
      replica.trainableWeights.forEach((v, i) => {
        (v.read() as tf.Variable).assign(tf.sub(v.read(), tf.mul(0.05, gs[i]!)));
      });
      tf.dispose([xb, yb, value, gs]);
    }
    const trainer = new Trainer({
      model,
      optimizer,
      seed: 1,
      diagnostics: { gradientNorms: { every: 2 } },
    });
    const h = await trainer.fit(data, { epochs: 1, batchSize: 6, shuffle: false });
    const names = model.layers.map((l) => l.name);
    expect(h.gradientSteps!.map((s) => s.step)).toEqual([0, 1, 2]);
    h.gradientSteps!.forEach((s, i) => {
      close(s.global, expected[i]!.global);
      names.forEach((n, l) => {
        close(s.perLayer[n]!, expected[i]!.perLayer[l]!);
      });
    });
    const g = h.epochs[0]!.diagnostics!.gradientNorms!;
    close(g.global.mean, expected.reduce((sum, e) => sum + e.global, 0) / 3);
    close(g.global.last, expected[2]!.global);
    close(g.perLayer[names[0]!]!.max, Math.max(...expected.map((e) => e.perLayer[0]!)));
    model.dispose();
    replica.dispose();
  });

  it('read the device once per `every` steps (plus once at epoch end), never with dataSync', async () => {
    const data = blobs(8, 3, 3); // 24 samples, batches of 4: 6 steps
    disposables.push(data);
    const backend = tf.backend();
    const count = async (diagnostics?: { gradientNorms: { every: number } }) => {
      const model = mlp([2, 4, 3], 5);
      const trainer = new Trainer({ model, optimizer: tf.train.sgd(0.1), seed: 1, diagnostics });
      const read = vi.spyOn(backend, 'read');
      const readSync = vi.spyOn(backend, 'readSync');
      await trainer.fit(data, { epochs: 1, batchSize: 4 });
      const counts = { read: read.mock.calls.length, readSync: readSync.mock.calls.length };
      read.mockRestore();
      readSync.mockRestore();
      model.dispose();
      return counts;
    };
    const base = await count();
    const every2 = await count({ gradientNorms: { every: 2 } });
    const every4 = await count({ gradientNorms: { every: 4 } });
    // every 2: reads after steps 2, 4, 6; every 4: after step 4 and at epoch end (step 6);
    // plus one read of the epoch-end weight statistics.
    expect(every2.read - base.read).toBe(3 + 1);
    expect(every4.read - base.read).toBe(2 + 1);
    // Every extra sync is one of those async reads (the backends' read goes through readSync).
    expect(every2.readSync - base.readSync).toBeLessThanOrEqual(every2.read - base.read);
  });
});
