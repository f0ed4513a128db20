import { FusedAdamUpdate, hasKernel } from '@overfit/core';
import { installKernels, uninstallKernels } from '@overfit/kernels';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { tolerance } from '../../../../test/backend.js';
import fixture from '../../fixtures/weight-decay.json';
import { l2 } from '../penalties.js';
import { maxRelError } from '../test-helpers.js';
import { adamw, TorchAdam } from './adamw.js';
import {
  DecoupledWeightDecay,
  decoupledWeightDecay,
  isExcludedByDefault,
  sgdw,
} from './weight-decay.js';

// Measured deviation from the fixture over 12 steps: 6e-8 (cpu), 7e-8 (wasm) relative.
const trajTol = tolerance;

/** The fixture's least-squares problem with variables named like a tfjs-layers Dense layer. */
function problem(prefix: string) {
  const X = tf.tensor(fixture.data.X);
  const y = tf.tensor(fixture.data.y);
  const kernel = tf.variable(tf.tensor(fixture.data.kernel, [3, 1]), true, `${prefix}/kernel`);
  const bias = tf.variable(tf.tensor(fixture.data.bias), true, `${prefix}/bias`);
  const loss = () => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(X, kernel), bias), y))) as tf.Scalar;
  const dispose = () => tf.dispose([X, y, kernel, bias]);
  return { kernel, bias, loss, dispose };
}

function expectTrajectory(
  optimizer: tf.Optimizer,
  expected: { kernel: number[]; bias: number[] }[],
  prefix: string,
) {
  const p = problem(prefix);
  for (const step of expected) {
    optimizer.minimize(p.loss);
    expect(maxRelError(p.kernel.dataSync(), step.kernel)).toBeLessThan(trajTol);
    expect(maxRelError(p.bias.dataSync(), step.bias)).toBeLessThan(trajTol);
  }
  p.dispose();
  optimizer.dispose();
}

describe('adamw', () => {
  const hp = fixture.adamw;
  const options = {
    learningRate: hp.lr,
    beta1: hp.beta1,
    beta2: hp.beta2,
    epsilon: hp.eps,
    weightDecay: hp.weightDecay,
  };

  it('matches torch.optim.AdamW step by step (bias in a weight_decay=0 group, the default)', () => {
    expectTrajectory(adamw(options), hp.biasExcluded, 'adamw_a');
  });

  it('matches torch.optim.AdamW with every parameter decayed (exclude: [])', () => {
    expectTrajectory(adamw({ ...options, exclude: [] }), hp.allDecayed, 'adamw_b');
  });

  it('matches torch.optim.AdamW through the fused Adam kernel of installKernels()', () => {
    installKernels();
    try {
      expect(hasKernel(FusedAdamUpdate)).toBe(true);
      expectTrajectory(adamw(options), hp.biasExcluded, 'adamw_fused_a');
      expectTrajectory(adamw({ ...options, exclude: [] }), hp.allDecayed, 'adamw_fused_b');
    } finally {
      uninstallKernels();
    }
  });

  it('also matches through computeGradients + applyGradients', () => {
    const opt = adamw({ ...options, exclude: [] });
    const p = problem('adamw_c');
    for (const step of hp.allDecayed.slice(0, 3)) {
      const { value, grads } = opt.computeGradients(p.loss);
      opt.applyGradients(grads);
      tf.dispose([value, ...Object.values(grads)]);
      expect(maxRelError(p.kernel.dataSync(), step.kernel)).toBeLessThan(trajTol);
    }
    expect(opt.iterations).toBe(3);
    p.dispose();
    opt.dispose();
  });

  it('differs from Adam + an L2 penalty (the classic confusion)', () => {
    const a = problem('adamw_d');
    const b = problem('adamw_e');
    const decoupled = adamw({ ...options, exclude: [] });
    const coupled = new TorchAdam(hp.lr, hp.beta1, hp.beta2, hp.eps);
    const penalty = l2(hp.weightDecay / 2); // gradient wd * w, as torch.optim.Adam(weight_decay=wd)
    for (let i = 0; i < 12; i++) {
      decoupled.minimize(a.loss);
      coupled.minimize(
        () => tf.add(b.loss(), tf.add(penalty.apply(b.kernel), penalty.apply(b.bias))) as tf.Scalar,
      );
    }
    expect(maxRelError(a.kernel.dataSync(), b.kernel.dataSync())).toBeGreaterThan(1e-3);
    a.dispose();
    b.dispose();
    decoupled.dispose();
    coupled.dispose();
  });

  it('rejects bad hyper-parameters before building anything', () => {
    expect(() => adamw({ beta1: 1 })).toThrow('options.beta1 must be a number in [0, 1), got 1');
    expect(() => adamw({ weightDecay: -1 })).toThrow(/options.weightDecay must be/);
    expect(() => adamw({ lr: 0.1 } as never)).toThrow(/options.lr/);
  });

  it('saves and restores its state (getWeights / setWeights) and serializes its config', async () => {
    const opt = adamw({ ...options, exclude: ['bias', /^nothing$/] });
    const p = problem('adamw_f');
    for (let i = 0; i < 3; i++) opt.minimize(p.loss);
    const weights = await opt.getWeights();
    const copy =
      tf.serialization.SerializationMap.getMap().classNameMap[DecoupledWeightDecay.className]!;
    const restored = copy[1](copy[0], opt.getConfig()) as DecoupledWeightDecay;
    await restored.setWeights(weights.map((w) => ({ name: w.name, tensor: tf.clone(w.tensor) })));
    expect(restored.iterations).toBe(3);
    expect(restored.getConfig()).toEqual(opt.getConfig());
    // Same next step from the same state.
    const before = { k: p.kernel.dataSync().slice(), b: p.bias.dataSync().slice() };
    opt.minimize(p.loss);
    const afterA = p.kernel.dataSync().slice();
    p.kernel.assign(tf.tensor(before.k, [3, 1]));
    p.bias.assign(tf.tensor(before.b));
    restored.minimize(p.loss);
    expect(Array.from(p.kernel.dataSync())).toEqual(Array.from(afterA));
    p.dispose();
    opt.dispose();
    restored.dispose();
  });
});

describe('decoupledWeightDecay', () => {
  it('sgdw matches the SGDW reference with momentum', () => {
    const s = fixture.sgdw;
    expectTrajectory(
      sgdw({ learningRate: s.lr, momentum: s.momentum, weightDecay: s.weightDecay, exclude: [] }),
      s.allDecayed,
      'sgdw_a',
    );
  });

  it('under plain SGD equals an L2 penalty of wd / 2', () => {
    const a = problem('sgdw_b');
    const b = problem('sgdw_c');
    const decayed = sgdw({ learningRate: 0.05, weightDecay: 0.2, exclude: [] });
    const plain = tf.train.sgd(0.05);
    const penalty = l2(0.1);
    for (let i = 0; i < 10; i++) {
      decayed.minimize(a.loss);
      plain.minimize(
        () => tf.add(b.loss(), tf.add(penalty.apply(b.kernel), penalty.apply(b.bias))) as tf.Scalar,
      );
    }
    expect(maxRelError(a.kernel.dataSync(), b.kernel.dataSync())).toBeLessThan(trajTol);
    expect(maxRelError(a.bias.dataSync(), b.bias.dataSync())).toBeLessThan(trajTol);
    a.dispose();
    b.dispose();
    decayed.dispose();
    plain.dispose();
  });

  it('wraps any optimizer: with zero gradients it only decays, by (1 - lr * wd) per step', () => {
    for (const make of [
      () => tf.train.rmsprop(0.1),
      () => tf.train.adam(0.1),
      () => tf.train.adagrad(0.1),
      () => tf.train.momentum(0.1, 0.9),
    ]) {
      const w = tf.variable(tf.tensor([1, -2]), true, `wd_any_${make().getClassName()}/kernel`);
      const b = tf.variable(tf.tensor([1]), true, `wd_${w.name}/bias`);
      const opt = decoupledWeightDecay(make(), { weightDecay: 0.5 });
      for (let i = 0; i < 3; i++)
        opt.minimize(() => tf.mul(0, tf.add(tf.sum(w), tf.sum(b))) as tf.Scalar);
      // adagrad/rmsprop divide 0 by sqrt(eps-ish) = 0: the only change is the decay.
      expect(maxRelError(w.dataSync(), [0.95 ** 3, -2 * 0.95 ** 3])).toBeLessThan(tolerance);
      expect(b.dataSync()[0]).toBe(1); // not a kernel: excluded by default
      tf.dispose([w, b]);
      opt.dispose();
    }
  });

  it('follows the inner learning rate when it changes (schedules)', () => {
    const w = tf.variable(tf.tensor([1]));
    // An unnamed variable is no kernel: only exclude: [] decays it.
    const opt = decoupledWeightDecay(tf.train.sgd(0.1), { weightDecay: 1, exclude: [] });
    opt.minimize(() => tf.mul(0, tf.sum(w)) as tf.Scalar);
    opt.setLearningRate(0.5);
    opt.minimize(() => tf.mul(0, tf.sum(w)) as tf.Scalar);
    expect(w.dataSync()[0]).toBeCloseTo(0.9 * 0.5, 6);
    w.dispose();
    opt.dispose();
  });

  it('excludes by name, pattern or predicate', () => {
    const a = tf.variable(tf.ones([1]), true, 'layer_x/kernel');
    const b = tf.variable(tf.ones([1]), true, 'layer_x/kernel_7');
    const c = tf.variable(tf.ones([1]), true, 'layer_y/kernel');
    const step = (exclude: Parameters<typeof decoupledWeightDecay>[1]['exclude']) => {
      for (const v of [a, b, c]) v.assign(tf.ones([1]));
      const opt = decoupledWeightDecay(tf.train.sgd(0.5), { weightDecay: 1, exclude });
      opt.minimize(() => tf.mul(0, tf.addN([tf.sum(a), tf.sum(b), tf.sum(c)])) as tf.Scalar);
      opt.dispose();
      return [a, b, c].map((v) => v.dataSync()[0]);
    };
    expect(step(['kernel'])).toEqual([1, 1, 1]);
    expect(step(['layer_x/kernel'])).toEqual([1, 0.5, 0.5]);
    expect(step(/^layer_y/)).toEqual([0.5, 0.5, 1]);
    expect(step((v) => v.name.endsWith('_7'))).toEqual([0.5, 1, 0.5]);
    // Regression: a stateful /g pattern skipped every other match.
    expect(step(/kernel/g)).toEqual([1, 1, 1]);
    expect(step([/^layer_x/g])).toEqual([1, 1, 0.5]);
    tf.dispose([a, b, c]);
  });

  it('by default decays kernels only (the rule of isRegularizedByDefault)', () => {
    const names = [
      'd/kernel',
      'd/bias',
      'bn/gamma',
      'bn/beta',
      'e/embeddings',
      'conv/depthwise_kernel_3',
    ];
    const vars = names.map((n) => tf.variable(tf.ones([1]), true, `wd_default_${n}`));
    const opt = decoupledWeightDecay(tf.train.sgd(0.5), { weightDecay: 1 });
    opt.minimize(() => tf.mul(0, tf.addN(vars.map((v) => tf.sum(v)))) as tf.Scalar);
    expect(vars.map((v) => v.dataSync()[0])).toEqual([0.5, 1, 1, 1, 1, 0.5]);
    expect(vars.map((v) => isExcludedByDefault(v))).toEqual([false, true, true, true, true, false]);
    opt.dispose();
    tf.dispose(vars);
  });

  it('works inside model.fit and shrinks the weights', async () => {
    const build = () =>
      tf.sequential({
        layers: [
          tf.layers.dense({ units: 1, inputShape: [4], kernelInitializer: tf.initializers.ones() }),
        ],
      });
    const x = tf.ones([8, 4]);
    const y = tf.mul(4, tf.ones([8, 1]));
    const plain = build();
    const decayed = build();
    plain.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
    decayed.compile({
      optimizer: decoupledWeightDecay(tf.train.adam(0.01), { weightDecay: 5 }),
      loss: 'meanSquaredError',
    });
    await plain.fit(x, y, { epochs: 20, verbose: 0 });
    await decayed.fit(x, y, { epochs: 20, verbose: 0 });
    const norm = (m: tf.LayersModel) => tf.norm(m.layers[0]!.getWeights()[0]!).dataSync()[0]!;
    expect(norm(decayed)).toBeLessThan(norm(plain) * 0.8);
    tf.dispose([x, y]);
    plain.dispose();
    decayed.dispose();
  });

  it('validates its arguments', () => {
    expect(() => decoupledWeightDecay({} as never, { weightDecay: 1 })).toThrow(
      /optimizer must be a tf.Optimizer/,
    );
    expect(() => decoupledWeightDecay(tf.train.sgd(0.1), { weightDecay: -0.1 })).toThrow(
      /options.weightDecay/,
    );
    expect(() =>
      decoupledWeightDecay(tf.train.sgd(0.1), { weightDecay: 1, exclude: 5 as never }),
    ).toThrow(/options.exclude/);
    expect(() => sgdw({ momentum: 1 })).toThrow(/options.momentum must be a number in \[0, 1\)/);
  });

  it('leaks no tensors across steps (after the first creates optimizer state)', () => {
    const p = problem('leak');
    const opt = adamw({ weightDecay: 0.1 });
    opt.minimize(p.loss);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) opt.minimize(p.loss);
    expect(tf.memory().numTensors).toBe(before);
    opt.dispose();
    expect(tf.memory().numTensors).toBe(before - 4);
    p.dispose();
  });
});
