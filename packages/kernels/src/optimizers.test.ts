import { FusedAdamUpdate, FusedSgdUpdate, hasKernel, InvalidArgumentError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { onWasm, testBackend } from '../../../test/backend.js';
import { installKernels, uninstallKernels } from './install.js';
import { simdUpdates } from './simd-module.js';
import { expectClose, randomTensor } from './test-reference.js';
import { wasmMemory } from './update-kernels.js';

const SHAPES = [[13, 7], [7], [7, 3], [3]];

interface Run {
  weights: Float32Array[];
  slots: Float32Array[];
  slotNames: string[];
}

/** 20 steps of `make()` on fixed gradients that change with the step; weights and slots after. */
async function train(make: () => tf.Optimizer, steps = 20): Promise<Run> {
  const vars = SHAPES.map((s, i) => tf.variable(randomTensor(s, i), true));
  const optimizer = make();
  for (let step = 0; step < steps; step++) {
    const grads = Object.fromEntries(
      vars.map((v, i) => [
        v.name,
        tf.tidy(() => tf.mul(randomTensor(v.shape, 100 + i), Math.cos(step))),
      ]),
    );
    optimizer.applyGradients(grads);
    tf.dispose(Object.values(grads));
  }
  // The slots were made on the first step; a further step leaves nothing behind.
  const afterFirst = tf.memory().numTensors;
  const grads = Object.fromEntries(vars.map((v) => [v.name, tf.zerosLike(v)]));
  optimizer.applyGradients(grads);
  tf.dispose(Object.values(grads));
  expect(tf.memory().numTensors).toBe(afterFirst);
  const saved = await optimizer.getWeights();
  const run: Run = {
    weights: await Promise.all(vars.map(async (v) => (await v.data()) as Float32Array)),
    slots: await Promise.all(saved.map(async (w) => (await w.tensor.data()) as Float32Array)),
    slotNames: saved.map((w) => w.name.replace(/^.*?(\/|$)/, '')),
  };
  optimizer.dispose();
  tf.dispose(vars);
  return run;
}

/** Adam by its formula in float64 (tfjs' form: corrections from beta^t, epsilon outside the sqrt). */
async function referenceAdam(lr: number, b1: number, b2: number, eps: number, steps = 20) {
  const ws = await Promise.all(
    SHAPES.map(async (s, i) => Float64Array.from(await randomTensor(s, i).data())),
  );
  const ms = ws.map((w) => new Float64Array(w.length));
  const vs = ws.map((w) => new Float64Array(w.length));
  const gs = await Promise.all(
    SHAPES.map(async (s, i) => Float64Array.from(await randomTensor(s, 100 + i).data())),
  );
  for (let t = 1; t <= steps + 1; t++) {
    const scale = t <= steps ? Math.cos(t - 1) : 0;
    ws.forEach((w, k) => {
      for (let i = 0; i < w.length; i++) {
        const g = Math.fround(gs[k]![i]! * scale);
        ms[k]![i] = b1 * ms[k]![i]! + (1 - b1) * g;
        vs[k]![i] = b2 * vs[k]![i]! + (1 - b2) * g * g;
        const mHat = ms[k]![i]! / (1 - b1 ** t);
        const vHat = vs[k]![i]! / (1 - b2 ** t);
        w[i] = w[i]! - (lr * mHat) / (Math.sqrt(vHat) + eps);
      }
    });
  }
  return ws;
}

describe(`fused optimizer updates (${testBackend})`, () => {
  afterEach(() => {
    uninstallKernels();
  });

  it.runIf(onWasm)('run in the SIMD module on wasm (the backend memory is found)', () => {
    const memory = wasmMemory(tf.findBackend('wasm'));
    expect(memory).toBeInstanceOf(WebAssembly.Memory);
    expect(simdUpdates(memory)).not.toBeNull();
  });

  it('are installed for the host backends and used by tfjs Adam', () => {
    installKernels();
    expect(hasKernel(FusedAdamUpdate, 'cpu')).toBe(true);
    expect(hasKernel(FusedAdamUpdate, 'wasm')).toBe(true);
    uninstallKernels();
    expect(hasKernel(FusedAdamUpdate, 'cpu')).toBe(false);
  });

  it('Adam: 20 steps equal tfjs Adam and the float64 formula, same slot layout', async () => {
    const make = () => tf.train.adam(0.01, 0.9, 0.999, 1e-7);
    const stock = await train(make);
    installKernels();
    const fused = await train(make);
    const reference = await referenceAdam(0.01, 0.9, 0.999, 1e-7);
    expect(fused.slotNames).toEqual(stock.slotNames);
    fused.weights.forEach((w, k) => {
      expectClose(w, stock.weights[k]!, 1e-5);
      expectClose(w, reference[k]!, 1e-5);
    });
    fused.slots.forEach((s, k) => {
      expectClose(s, stock.slots[k]!, 1e-5);
    });
  });

  for (const [name, make] of [
    ['SGD', () => tf.train.sgd(0.05)],
    ['Momentum', () => tf.train.momentum(0.05, 0.9)],
    ['Nesterov momentum', () => tf.train.momentum(0.05, 0.9, true)],
  ] as const) {
    it(`${name}: 20 steps equal tfjs' own`, async () => {
      const stock = await train(make);
      installKernels();
      const fused = await train(make);
      expect(fused.slotNames).toEqual(stock.slotNames);
      fused.weights.forEach((w, k) => {
        expectClose(w, stock.weights[k]!, 1e-5);
      });
      fused.slots.forEach((s, k) => {
        expectClose(s, stock.slots[k]!, 1e-5);
      });
    });
  }

  for (const [name, make] of [
    ['Adam', () => tf.train.adam(0.02)],
    ['Momentum', () => tf.train.momentum(0.05, 0.8, true)],
    ['SGD', () => tf.train.sgd(0.05)],
  ] as const) {
    it(`${name}: gradients as a list, with a null gradient and a step over fewer variables, equal tfjs' own`, async () => {
      const steps = async () => {
        const before = tf.memory().numTensors;
        const vars = SHAPES.map((shape, i) =>
          tf.tidy(() => tf.variable(randomTensor(shape, 20 + i), true)),
        );
        const optimizer = make();
        for (let step = 0; step < 6; step++) {
          // Step 3 updates the first two variables only; variable 1 gets no gradient on even steps.
          const count = step === 3 ? 2 : vars.length;
          const list = vars.slice(0, count).map((v, i) => ({
            name: v.name,
            tensor: (step % 2 === 0 && i === 1
              ? null
              : tf.tidy(() => tf.mul(randomTensor(v.shape, 200 + i), step + 1))) as tf.Tensor,
          }));
          optimizer.applyGradients(list);
          tf.dispose(list.map((g) => g.tensor).filter((t) => t !== null));
        }
        const weights = await Promise.all(vars.map(async (v) => await v.data()));
        const saved = await optimizer.getWeights();
        const slots = await Promise.all(saved.map(async (w) => await w.tensor.data()));
        tf.dispose(saved[0]!.tensor); // the iteration count, made by getWeights
        optimizer.dispose();
        tf.dispose(vars);
        // tfjs' MomentumOptimizer.dispose() leaves its learning-rate scalar behind: compare
        // with tfjs' own count, not with zero.
        return { weights, slots, left: tf.memory().numTensors - before };
      };
      const stock = await steps();
      installKernels();
      const fused = await steps();
      expect(fused.left).toBe(stock.left);
      expect(stock.left).toBe(name === 'Momentum' ? 1 : 0);
      fused.weights.forEach((w, k) => {
        expectClose(w, stock.weights[k]!, 1e-5);
      });
      expect(fused.slots.length).toBe(stock.slots.length);
      fused.slots.forEach((w, k) => {
        expectClose(w, stock.slots[k]!, 1e-5);
      });
    });
  }

  it('the fused kernels refuse inputs that are not float32, naming them, and leak nothing', () => {
    installKernels();
    const x = tf.ones([5], 'int32');
    const g = tf.ones([5]);
    const before = tf.memory().numTensors;
    const call = () => tf.engine().runKernel(FusedSgdUpdate, { x, g }, { learningRate: 0.1 });
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow('OverfitFusedSgdUpdate input x.dtype must be \'float32\', got "int32"');
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, g]);
  });

  it('a learning rate changed between steps takes effect (ReduceLROnPlateau does that)', async () => {
    installKernels();
    const v = tf.variable(tf.ones([3]));
    const optimizer = tf.train.sgd(0.1);
    optimizer.applyGradients({ [v.name]: tf.ones([3]) });
    optimizer.setLearningRate(0.5);
    optimizer.applyGradients({ [v.name]: tf.ones([3]) });
    expectClose(await v.data(), [0.4, 0.4, 0.4], 1e-6);
    optimizer.dispose();
    v.dispose();
  });

  it('leave the optimizers as tfjs made them after uninstallKernels()', () => {
    const own = tf.AdamOptimizer.prototype.applyGradients;
    installKernels();
    expect(tf.AdamOptimizer.prototype.applyGradients).not.toBe(own);
    uninstallKernels();
    expect(tf.AdamOptimizer.prototype.applyGradients).toBe(own);
  });
});
