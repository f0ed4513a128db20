// Every expected number here was computed by PyTorch 1.13 itself (fixtures/make_torch_references.py).
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { tolerance } from '../../../test/backend.js';
import ref from '../fixtures/torch-references.json';
import { smoothedCrossEntropy } from './label-smoothing.js';
import { AlphaDropout } from './layers/alpha-dropout.js';
import { Dropout } from './layers/dropout.js';
import { adamw } from './optimizers/adamw.js';
import { sgdw } from './optimizers/weight-decay.js';
import { l1l2 } from './penalties.js';
import { maxRelError } from './test-helpers.js';

describe('penalties against torch autograd', () => {
  for (const c of ref.penalties.cases) {
    it(`l1 = ${c.l1}, l2 = ${c.l2}: value and gradient (0 at w = 0 for L1, as torch and TensorFlow)`, () => {
      const reg = l1l2({ l1: c.l1, l2: c.l2 });
      const w = tf.tensor(ref.penalties.w);
      const { value, grad } = tf.tidy(() => {
        const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => reg.apply(x))(w);
        return { value: value.dataSync()[0]!, grad: grad.dataSync().slice() };
      });
      expect(Math.abs(value - c.value) / c.value).toBeLessThan(tolerance);
      expect(maxRelError(grad, c.grad.flat())).toBeLessThan(tolerance);
      w.dispose();
    });
  }
});

/** The fixture's least-squares problem, variables named like a Dense layer's. */
function problem(prefix: string) {
  const d = ref.optimizers.data;
  const X = tf.tensor(d.X);
  const y = tf.tensor(d.y);
  const kernel = tf.variable(tf.tensor(d.kernel, [3, 1]), true, `${prefix}/kernel`);
  const bias = tf.variable(tf.tensor(d.bias), true, `${prefix}/bias`);
  const loss = () => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(X, kernel), bias), y))) as tf.Scalar;
  return { kernel, bias, loss, dispose: () => tf.dispose([X, y, kernel, bias]) };
}

function followSchedule(
  opt: tf.Optimizer & { setLearningRate(lr: number): void },
  steps: { lr: number; kernel: number[]; bias: number[] }[],
  prefix: string,
) {
  const p = problem(prefix);
  for (const step of steps) {
    opt.setLearningRate(step.lr); // what an LR schedule callback does before the step
    opt.minimize(p.loss);
    expect(maxRelError(p.kernel.dataSync(), step.kernel)).toBeLessThan(tolerance);
    expect(maxRelError(p.bias.dataSync(), step.bias)).toBeLessThan(tolerance);
  }
  p.dispose();
  opt.dispose();
}

describe('decoupled weight decay against torch under an LR schedule (StepLR)', () => {
  const { lr, weightDecay } = ref.optimizers;

  it('adamw follows torch.optim.AdamW (kernel group decayed, bias group not)', () => {
    followSchedule(adamw({ learningRate: lr, weightDecay }), ref.optimizers.adamw, 'tref_adamw');
  });

  it('sgdw follows torch.optim.SGD(momentum=0.9) with p.mul_(1 - lr * wd) before each step', () => {
    followSchedule(
      sgdw({ learningRate: lr, momentum: 0.9, weightDecay }),
      ref.optimizers.sgdw.momentum,
      'tref_sgdw',
    );
  });

  it('sgdw with useNesterov follows torch.optim.SGD(nesterov=True) the same way', () => {
    followSchedule(
      sgdw({ learningRate: lr, momentum: 0.9, useNesterov: true, weightDecay }),
      ref.optimizers.sgdw.nesterov,
      'tref_sgdwn',
    );
  });
});

describe("Adam's step count is per parameter, as torch's", () => {
  it('a parameter whose first gradient comes at step 3 gets the bias corrections of t = 1 (adamw)', () => {
    const { firstBiasStep, trajectory } = ref.optimizers.adamwLateStart;
    const opt = adamw({
      learningRate: ref.optimizers.lr,
      weightDecay: ref.optimizers.weightDecay,
      exclude: [],
    });
    const p = problem('tref_late');
    const d = ref.optimizers.data;
    const X = tf.tensor(d.X);
    const y = tf.tensor(d.y);
    const noBias = () => tf.mean(tf.square(tf.sub(tf.matMul(X, p.kernel), y))) as tf.Scalar;
    trajectory.forEach((step, i) => {
      if (i + 1 < firstBiasStep) opt.minimize(noBias, false, [p.kernel]);
      else opt.minimize(p.loss, false, [p.kernel, p.bias]);
      expect(maxRelError(p.kernel.dataSync(), step.kernel)).toBeLessThan(tolerance);
      expect(maxRelError(p.bias.dataSync(), step.bias)).toBeLessThan(tolerance);
    });
    tf.dispose([X, y]);
    p.dispose();
    opt.dispose();
  });
});

describe("Adam's per-parameter step in saved state", () => {
  it("getWeights / setWeights carry each variable's step; a save without steps falls back to iterations", async () => {
    const opt = adamw({ learningRate: 0.1, weightDecay: 0.2, exclude: [] });
    const p = problem('tref_save');
    const d = ref.optimizers.data;
    const X = tf.tensor(d.X);
    const y = tf.tensor(d.y);
    const noBias = () => tf.mean(tf.square(tf.sub(tf.matMul(X, p.kernel), y))) as tf.Scalar;
    opt.minimize(noBias, false, [p.kernel]);
    opt.minimize(noBias, false, [p.kernel]);
    opt.minimize(p.loss, false, [p.kernel, p.bias]);
    // Copies: m and v are the live slot variables, which the next step changes.
    const live = await opt.getWeights();
    const saved = live.map((w) => ({ name: w.name, tensor: tf.clone(w.tensor) }));
    tf.dispose(live.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable)));
    const steps = Object.fromEntries(
      saved.filter((w) => w.name.endsWith('/step')).map((w) => [w.name, w.tensor.dataSync()[0]]),
    );
    expect(steps).toEqual({ 'tref_save/kernel/step': 3, 'tref_save/bias/step': 1 });
    const start = [p.kernel.dataSync().slice(), p.bias.dataSync().slice()];
    const nextStep = async (restored: tf.Optimizer) => {
      p.kernel.assign(tf.tensor(start[0]!, [3, 1]));
      p.bias.assign(tf.tensor(start[1]!));
      restored.minimize(p.loss, false, [p.kernel, p.bias]);
      return [...p.kernel.dataSync(), ...p.bias.dataSync()];
    };
    const expected = await nextStep(opt);
    const copy = adamw({ learningRate: 0.1, weightDecay: 0.2, exclude: [] });
    await copy.setWeights(saved.map((w) => ({ name: w.name, tensor: tf.clone(w.tensor) })));
    expect(await nextStep(copy)).toEqual(expected);
    // Without the /step entries (a state saved before they existed): every step = iterations.
    const old = adamw({ learningRate: 0.1, weightDecay: 0.2, exclude: [] });
    await old.setWeights(
      saved
        .filter((w) => !w.name.endsWith('/step'))
        .map((w) => ({ name: w.name, tensor: tf.clone(w.tensor) })),
    );
    const oldSteps = (await old.getWeights()).filter((w) => w.name.endsWith('/step'));
    expect(oldSteps.map((w) => w.tensor.dataSync()[0])).toEqual([3, 3]);
    tf.dispose([X, y, ...saved.map((w) => w.tensor), ...oldSteps.map((w) => w.tensor)]);
    p.dispose();
    for (const o of [opt, copy, old]) o.dispose();
  });
});

describe('dropout family against torch.nn.functional', () => {
  for (const { p, values } of ref.dropout.kept) {
    it(`dropout p = ${p}: outputs are 0 or torch's 1 / (1 - p)`, () => {
      const layer = new Dropout({ rate: p, seed: 3 });
      const out = tf.tidy(() =>
        (layer.apply(tf.ones([4000]), { training: true }) as tf.Tensor).dataSync(),
      );
      const kept = values[1]!;
      for (const v of out) expect(v === 0 || Math.abs(v - kept) / kept < 1e-6).toBe(true);
      expect(out.some((v) => v === 0) && out.some((v) => v !== 0)).toBe(true);
    });
  }

  for (const { p, scale, shift, dropped } of ref.dropout.alpha) {
    it(`alpha dropout p = ${p}: kept -> a x + b and dropped -> torch's constants`, () => {
      const layer = new AlphaDropout({ rate: p, seed: 4 });
      const x = tf.linspace(-2, 2, 4001);
      const xs = x.dataSync();
      const out = tf.tidy(() => (layer.apply(x, { training: true }) as tf.Tensor).dataSync());
      let droppedCount = 0;
      out.forEach((v, i) => {
        const keptValue = scale * xs[i]! + shift;
        const isDropped = Math.abs(v - dropped) <= 1e-5 * Math.abs(dropped);
        if (isDropped) droppedCount++;
        expect(
          isDropped || Math.abs(v - keptValue) <= 1e-5 * Math.max(1, Math.abs(keptValue)),
        ).toBe(true);
      });
      expect(droppedCount).toBeGreaterThan(0);
      x.dispose();
    });
  }
});

describe('label smoothing against torch.nn.CrossEntropyLoss(label_smoothing)', () => {
  const { logits, ids, probabilities } = ref.labelSmoothing;
  for (const c of ref.labelSmoothing.cases) {
    it(`epsilon ${c.epsilon}, reduction '${c.reduction}': class ids and probability targets`, () => {
      const z = tf.tensor(logits);
      const labels = tf.tensor1d(ids, 'int32');
      const soft = tf.tensor(probabilities);
      const options = {
        labelSmoothing: c.epsilon,
        reduction: c.reduction as 'mean' | 'sum' | 'none',
      };
      const fromIds = tf.tidy(() => smoothedCrossEntropy(labels, z, options).dataSync());
      const fromSoft = tf.tidy(() => smoothedCrossEntropy(soft, z, options).dataSync());
      expect(maxRelError(fromIds, [c.ids].flat())).toBeLessThan(tolerance);
      expect(maxRelError(fromSoft, [c.probabilities].flat())).toBeLessThan(tolerance);
      tf.dispose([z, labels, soft]);
    });
  }
});
