import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { tolerance } from '../../../test/backend.js';
import { maxNorm } from './constraints.js';
import { L1L2, l1, l1l2, l2 } from './penalties.js';
import { finiteDifference, maxRelError, paramsOf } from './test-helpers.js';

const value = (t: tf.Tensor) => t.dataSync()[0]!;

describe('L1 / L2 penalties', () => {
  it("reproduces the course's worked example (lambda = 1)", () => {
    const sparse = tf.tensor([0, 1, 0, 0, 0]);
    const spread = tf.tensor([-0.03, 0.4, 0.1, 0.2, 0.3]);
    expect(value(l1(1).apply(sparse))).toBeCloseTo(1, 6);
    // The course text says 1.13 here; sum |w| of these weights is 1.03 (a slip in the text,
    // the L2 value 0.3009 confirms the weights).
    expect(value(l1(1).apply(spread))).toBeCloseTo(1.03, 6);
    expect(value(l2(1).apply(sparse))).toBeCloseTo(1, 6);
    expect(value(l2(1).apply(spread))).toBeCloseTo(0.3009, 6);
    tf.dispose([sparse, spread]);
  });

  it('elastic net is the sum of its parts', () => {
    const w = tf.tensor([
      [1, -2],
      [0.5, 3],
    ]);
    const both = value(l1l2({ l1: 0.1, l2: 0.01 }).apply(w));
    expect(both).toBeCloseTo(0.1 * 6.5 + 0.01 * (1 + 4 + 0.25 + 9), 5);
    w.dispose();
  });

  it.each([
    ['l1', l1(0.3)],
    ['l2', l2(0.7)],
    ['l1l2', l1l2({ l1: 0.2, l2: 0.05 })],
  ])('%s gradient matches finite differences', (_name, reg) => {
    // Away from 0, where |w| is differentiable.
    const w = tf.tensor([
      [0.8, -1.3, 0.4],
      [-0.25, 2.1, -0.6],
    ]);
    const analytic = tf.grad((x: tf.Tensor) => reg.apply(x))(w);
    const numeric = finiteDifference((x) => reg.apply(x), w);
    expect(maxRelError(analytic.dataSync(), numeric)).toBeLessThan(Math.max(tolerance, 1e-3));
    // And the closed form: l1 * sign(w) + 2 * l2 * w.
    const closed = Array.from(w.dataSync(), (x) => reg.l1 * Math.sign(x) + 2 * reg.l2 * x);
    expect(maxRelError(analytic.dataSync(), closed)).toBeLessThan(tolerance);
    tf.dispose([w, analytic]);
  });

  it('rejects bad strengths and unknown options before doing anything', () => {
    expect(() => l1(-1)).toThrow('lambda must be a number >= 0, got -1');
    expect(() => l2(Number.NaN)).toThrow(/lambda must be/);
    expect(() => l1l2({ l1: 0.1, lamda: 1 } as never)).toThrow(/args.lamda/);
    expect(() => l2(0.1, { layers: 3 } as never)).toThrow(/options.layers must be/);
  });

  it('serializes as OverfitL1L2 and loads back inside a saved model', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({
          units: 2,
          inputShape: [3],
          kernelRegularizer: l1l2({ l1: 0.1, l2: 0.2 }),
        }),
      ],
    });
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    expect(JSON.stringify(saved!.modelTopology)).toContain('OverfitL1L2');
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    const reg = (loaded.layers[0] as unknown as { kernelRegularizer: L1L2 }).kernelRegularizer;
    expect(reg).toBeInstanceOf(L1L2);
    expect([reg.l1, reg.l2]).toEqual([0.1, 0.2]);
    model.dispose();
    loaded.dispose();
  });

  it('adds lambda * sum w^2 to the loss inside model.fit', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({
          units: 1,
          inputShape: [2],
          useBias: false,
          kernelInitializer: 'ones',
          kernelRegularizer: l2(0.5),
        }),
      ],
    });
    model.compile({ optimizer: tf.train.sgd(0), loss: 'meanSquaredError' });
    const x = tf.tensor([[1, 0]]);
    const y = tf.tensor([[1]]);
    // prediction 1 = target, so the whole loss is 0.5 * (1 + 1) = 1.
    const history = await model.fit(x, y, { epochs: 1, verbose: 0 });
    expect(history.history.loss![0]).toBeCloseTo(1, 5);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('is a PenaltyTerm: penalty(params) sums over the parameters it is given', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({
          units: 2,
          inputShape: [2],
          kernelInitializer: 'ones',
          biasInitializer: 'ones',
          name: 'first',
        }),
        tf.layers.dense({ units: 1, kernelInitializer: 'ones', name: 'second' }),
      ],
    });
    const params = paramsOf(model);
    const reg = l2(0.1);
    expect(reg.name).toBe('l2');
    expect(reg.select).toBeUndefined(); // the Trainer's default: trainable kernels
    const kernels = params.filter((p) => p.kind === 'kernel');
    expect(value(reg.penalty(kernels))).toBeCloseTo(0.1 * (4 + 2), 5);
    const onlySecond = reg.asPenalty({ layers: ['second'], name: 'l2-second' });
    expect(onlySecond.name).toBe('l2-second');
    expect(params.filter(onlySecond.select!).map((p) => p.name)).toEqual([kernels[1]!.name]);
    const byPattern = l1(1, { layers: /^first$/ });
    expect(params.filter(byPattern.select!).map((p) => p.kind)).toEqual(['kernel']);
    expect(value(reg.penalty([]))).toBe(0);
    model.dispose();
  });

  it('a /g pattern selects every matching layer, not every other one (regression)', () => {
    const model = tf.sequential({
      layers: ['dense_a', 'dense_b', 'dense_c', 'dense_d'].map((name, i) =>
        tf.layers.dense({ units: 2, inputShape: i === 0 ? [2] : undefined, name }),
      ),
    });
    const params = paramsOf(model);
    for (const select of [
      l2(1, { layers: /dense/g }).select!,
      maxNorm({ layers: /dense/gy }).select!,
    ]) {
      // Twice over: a stateful lastIndex would also differ between passes.
      for (let pass = 0; pass < 2; pass++) {
        expect(params.filter(select).map((p) => p.layerName)).toEqual([
          'dense_a',
          'dense_b',
          'dense_c',
          'dense_d',
        ]);
      }
    }
    model.dispose();
  });

  it('trains with optimizer.minimize and shrinks the weights toward 0 with no data loss', () => {
    const w = tf.variable(tf.tensor([1, -2, 3]));
    const opt = tf.train.sgd(0.1);
    const reg = l2(1);
    for (let i = 0; i < 5; i++) opt.minimize(() => reg.apply(w));
    // w <- w - 0.1 * 2 * w = 0.8 w per step.
    const expected = [1, -2, 3].map((x) => x * 0.8 ** 5);
    expect(maxRelError(w.dataSync(), expected)).toBeLessThan(tolerance);
    w.dispose();
    opt.dispose();
  });

  it('leaks no tensors', () => {
    const w = tf.variable(tf.ones([3, 3]));
    const reg = l1l2({ l1: 0.1, l2: 0.1 });
    const param = {
      name: w.name,
      layerName: 'x',
      kind: 'kernel' as const,
      trainable: true,
      variable: w,
    };
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      tf.dispose(reg.apply(w));
      tf.dispose(reg.penalty([param, param]));
    }
    expect(tf.memory().numTensors).toBe(before);
    w.dispose();
  });
});
