import type { Parameter, ParameterConstraint, PenaltyTerm, Rng, Transform } from '@overfit/core';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { onWasm, tolerance } from '../../../test/backend.js';
import { Trainer } from './index.js';
import { blobs, hostCrossEntropy, maxAbsDiff, mlp, weightValues } from './test-helpers.js';

const disposables: tf.TensorContainer[] = [];
afterEach(() => {
  tf.dispose(disposables.splice(0));
});

const close = (actual: number, expected: number) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(
    tolerance * Math.max(1, Math.abs(expected)),
  );

/** lambda * sum of squares of the parameters it is given (records which it saw). */
function squarePenalty(lambda: number, seen: string[][] = []): PenaltyTerm {
  return {
    name: 'square',
    penalty: (params: readonly Parameter[]) => {
      seen.push(params.map((p) => p.kind));
      return tf.mul(lambda, tf.addN(params.map((p) => tf.sum(tf.square(p.variable))))) as tf.Scalar;
    },
  };
}

/** Host sum of squares of the kernels (even weight indices of a dense stack). */
function hostKernelSquares(model: tf.LayersModel): number {
  return weightValues(model)
    .filter((_, i) => i % 2 === 0)
    .reduce((s, w) => s + w.reduce((t, v) => t + v * v, 0), 0);
}

/** A 2-4-3 MLP whose biases are non-zero, so a penalty that touched them would show. */
function modelWithBiases(seed: number): tf.Sequential {
  const model = mlp([2, 4, 3], seed);
  model.setWeights(model.getWeights().map((w, i) => (i % 2 === 1 ? tf.fill(w.shape, 0.5) : w)));
  return model;
}

describe('penalties', () => {
  it('add exactly lambda * sum w^2 over the kernels to the logged loss', async () => {
    const data = blobs(8, 3, 1);
    disposables.push(data);
    const model = modelWithBiases(1);
    const lambda = 0.01;
    const seen: string[][] = [];
    // lr 0: the weights (and so loss and penalty) stay those we compute by hand below.
    const trainer = new Trainer({
      model,
      optimizer: tf.train.sgd(0),
      penalties: [squarePenalty(lambda, seen)],
      seed: 1,
    });
    const h = await trainer.fit(data, { epochs: 1, batchSize: 24, shuffle: false });
    const logits = (model.predict(data.x) as tf.Tensor).arraySync() as number[][];
    const dataLoss = hostCrossEntropy(logits, data.y.dataSync());
    const penalty = lambda * hostKernelSquares(model);
    close(h.epochs[0]!.penalty!, penalty);
    close(h.epochs[0]!.loss, dataLoss + penalty);
    expect(seen[0]).toEqual(['kernel', 'kernel']);
    model.dispose();
  });

  it('change the update by exactly -lr * 2 * lambda * w (kernels only)', async () => {
    const data = blobs(8, 3, 2);
    disposables.push(data);
    const lr = 0.1;
    const lambda = 0.05;
    const after: Float32Array[][] = [];
    let before: Float32Array[] = [];
    for (const penalties of [[], [squarePenalty(lambda)]]) {
      const model = modelWithBiases(2);
      before = weightValues(model);
      const trainer = new Trainer({ model, optimizer: tf.train.sgd(lr), penalties, seed: 1 });
      await trainer.fit(data, { epochs: 1, batchSize: 24 });
      after.push(weightValues(model));
      model.dispose();
    }
    const [plain, penalized] = after as [Float32Array[], Float32Array[]];
    const expected = plain.map((w, i) =>
      i % 2 === 0 ? w.map((v, j) => v - lr * 2 * lambda * before[i]![j]!) : w,
    );
    expect(maxAbsDiff(penalized, expected)).toBeLessThan(onWasm ? 1e-5 : 1e-6);
  });

  it("counts the layers' own regularizers (kernelRegularizer) as model.fit does", async () => {
    const data = blobs(8, 3, 3);
    disposables.push(data);
    const model = mlp([2, 4, 3], 3, { kernelRegularizer: tf.regularizers.l2({ l2: 0.02 }) });
    const trainer = new Trainer({ model, optimizer: tf.train.sgd(0), seed: 1 });
    const h = await trainer.fit(data, { epochs: 1, batchSize: 24 });
    close(h.epochs[0]!.penalty!, 0.02 * hostKernelSquares(model));
    model.dispose();
  });

  it('a term with its own selector sees only what it selects', async () => {
    const data = blobs(4, 3, 4);
    disposables.push(data);
    const model = modelWithBiases(4);
    const seen: string[][] = [];
    const term = { ...squarePenalty(1, seen), select: (p: Parameter) => p.kind === 'bias' };
    const trainer = new Trainer({ model, optimizer: tf.train.sgd(0), penalties: [term], seed: 1 });
    const h = await trainer.fit(data, { epochs: 1, batchSize: 12 });
    expect(seen[0]).toEqual(['bias', 'bias']);
    close(h.epochs[0]!.penalty!, 0.25 * 7); // 4 + 3 biases of 0.5
    model.dispose();
  });
});

describe('lossHook', () => {
  it('adds its scalar to the loss and sees params, targets, outputs and the global step', async () => {
    const data = blobs(6, 3, 5);
    disposables.push(data);
    const model = mlp([2, 4, 3], 5);
    const steps: number[] = [];
    const shapes: string[] = [];
    const lossHook = (ctx: {
      params: readonly Parameter[];
      yTrue: tf.Tensor;
      yPred: tf.Tensor;
      x: tf.Tensor;
      step: number;
    }) => {
      steps.push(ctx.step);
      shapes.push(`${ctx.params.length} ${ctx.yTrue.shape} ${ctx.yPred.shape} ${ctx.x.shape}`);
      return tf.scalar(0.25);
    };
    const plain = new Trainer({ model, optimizer: tf.train.sgd(0), seed: 1 });
    const base = (await plain.fit(data, { epochs: 1, batchSize: 9 })).epochs[0]!.loss;
    const hooked = new Trainer({ model, optimizer: tf.train.sgd(0), seed: 1, lossHook });
    const h = await hooked.fit(data, { epochs: 2, batchSize: 9 });
    close(h.epochs[0]!.loss, base + 0.25);
    close(h.epochs[0]!.penalty!, 0.25);
    expect(steps).toEqual([0, 1, 2, 3]);
    expect(shapes[0]).toBe('4 9,3 9,3 9,2');
    model.dispose();
  });
});

describe('constraints', () => {
  const clip: ParameterConstraint = {
    name: 'clip',
    project: (v) => tf.clipByValue(v, -0.05, 0.05),
  };

  it('project the selected (kernel) weights after every update, biases untouched', async () => {
    const data = blobs(8, 3, 6);
    disposables.push(data);
    const model = mlp([2, 4, 3], 6);
    const violations: number[] = [];
    const check = {
      onBatchEnd: () => {
        const w = weightValues(model);
        violations.push(
          Math.max(...w.filter((_, i) => i % 2 === 0).map((k) => Math.max(...k.map(Math.abs)))),
        );
      },
    };
    const trainer = new Trainer({
      model,
      optimizer: tf.train.sgd(0.5),
      constraints: [clip],
      callbacks: [check],
      seed: 1,
    });
    await trainer.fit(data, { epochs: 2, batchSize: 8 });
    expect(violations).toHaveLength(6);
    for (const v of violations) expect(v).toBeLessThanOrEqual(0.05 + 1e-7);
    const biases = weightValues(model).filter((_, i) => i % 2 === 1);
    expect(Math.max(...biases.map((b) => Math.max(...b.map(Math.abs))))).toBeGreaterThan(0.05);
    model.dispose();
  });

  it('follow a custom selector', async () => {
    const data = blobs(8, 3, 7);
    disposables.push(data);
    const model = mlp([2, 4, 3], 7);
    const trainer = new Trainer({
      model,
      optimizer: tf.train.sgd(0.5),
      constraints: [{ ...clip, select: (p) => p.kind === 'bias' }],
      seed: 1,
    });
    await trainer.fit(data, { epochs: 2, batchSize: 8 });
    const w = weightValues(model);
    expect(
      Math.max(...w.filter((_, i) => i % 2 === 1).map((b) => Math.max(...b.map(Math.abs)))),
    ).toBeLessThanOrEqual(0.05 + 1e-7);
    expect(
      Math.max(...w.filter((_, i) => i % 2 === 0).map((k) => Math.max(...k.map(Math.abs)))),
    ).toBeGreaterThan(0.05);
    model.dispose();
  });
});

describe('augment', () => {
  /** Zeroes the images and turns labels uniform; records its draws. */
  function blank(draws: number[]): Transform<number[]> {
    return {
      name: 'blank',
      sampleParams: (shape: readonly number[], rng: Rng) => {
        const p = Array.from({ length: shape[0]! }, () => rng.uniform());
        draws.push(...p);
        return p;
      },
      apply: (images) => tf.mul(images, 0),
      applyToLabels: (labels) => tf.fill(labels.shape, 1 / labels.shape[1]!),
    };
  }

  function imageData() {
    const { x, y } = blobs(6, 3, 8);
    const images = tf.concat([x, x], 1).reshape([18, 2, 2, 1]);
    x.dispose();
    return { x: images, y };
  }

  function imageModel(): tf.Sequential {
    return tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: [2, 2, 1] }),
        tf.layers.dense({
          units: 3,
          kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
        }),
      ],
    });
  }

  it('transforms training images and labels together, with seeded draws, never validation data', async () => {
    const data = imageData();
    disposables.push(data);
    const runs: Array<{ draws: number[]; seen: number[][] }> = [];
    for (let r = 0; r < 2; r++) {
      const draws: number[] = [];
      const seen: number[][] = [];
      const model = imageModel();
      const lossHook = (ctx: { x: tf.Tensor; yTrue: tf.Tensor }) => {
        seen.push([tf.sum(tf.abs(ctx.x)).dataSync()[0]!, ...ctx.yTrue.dataSync().slice(0, 3)]);
        return undefined;
      };
      const trainer = new Trainer({
        model,
        optimizer: tf.train.sgd(0.1),
        augment: blank(draws),
        lossHook,
        seed: 5,
      });
      const h = await trainer.fit(data, { epochs: 2, batchSize: 6, validationData: data });
      expect(h.epochs[0]!.valAccuracy).toBeDefined();
      runs.push({ draws, seen });
      model.dispose();
    }
    const [a, b] = runs as [(typeof runs)[0], (typeof runs)[0]];
    expect(a.draws).toHaveLength(36); // one draw per training image, 2 epochs, none for validation
    expect(b.draws).toEqual(a.draws);
    for (const row of a.seen) {
      expect(row[0]).toBe(0);
      for (const v of row.slice(1)) expect(v).toBeCloseTo(1 / 3, 6);
    }
  });

  it('refuses flat inputs before training', async () => {
    const data = blobs(4, 3, 9);
    disposables.push(data);
    const model = mlp([2, 4, 3], 9);
    const trainer = new Trainer({
      model,
      optimizer: tf.train.sgd(0.1),
      augment: blank([]),
      seed: 5,
    });
    await expect(trainer.fit(data, { epochs: 1 })).rejects.toThrow(
      /data.x must be image batches \[N, H, W, C\] when augment is set/,
    );
    model.dispose();
  });
});
