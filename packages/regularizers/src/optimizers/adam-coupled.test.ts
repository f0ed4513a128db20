// PyTorch's Adam(weight_decay): coupled L2, against the NumPy re-implementation of
// torch/optim/adam.py (fixtures/make_fixtures.py) and against Adam on an explicit penalty.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { tolerance } from '../../../../test/backend.js';
import fixture from '../../fixtures/weight-decay.json';
import { maxRelError } from '../test-helpers.js';
import { adamw, TorchAdam, torchAdam } from './adamw.js';

const hp = fixture.adamCoupled;

function problem(prefix: string) {
  const X = tf.tensor2d(fixture.data.X);
  const y = tf.tensor2d(fixture.data.y);
  const kernel = tf.variable(tf.tensor(fixture.data.kernel, [3, 1]), true, `${prefix}/kernel`);
  const bias = tf.variable(tf.tensor(fixture.data.bias), true, `${prefix}/bias`);
  const data = () => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(X, kernel), bias), y))) as tf.Scalar;
  return { kernel, bias, data, dispose: () => tf.dispose([X, y, kernel, bias]) };
}

const options = {
  learningRate: hp.lr,
  beta1: hp.beta1,
  beta2: hp.beta2,
  epsilon: hp.eps,
  weightDecay: hp.weightDecay,
};

describe('torchAdam (coupled weight decay)', () => {
  it('matches torch.optim.Adam(weight_decay) step by step, biases decayed too', () => {
    const p = problem('adam_coupled');
    const opt = torchAdam(options);
    for (const step of hp.allDecayed) {
      opt.minimize(p.data);
      expect(maxRelError(p.kernel.dataSync(), step.kernel)).toBeLessThan(tolerance);
      expect(maxRelError(p.bias.dataSync(), step.bias)).toBeLessThan(tolerance);
    }
    opt.dispose();
    p.dispose();
  });

  it('equals plain Adam on data loss + wd/2 * ||w||^2, and differs from AdamW', () => {
    const run = (opt: tf.Optimizer, penalized: boolean, prefix: string) => {
      const p = problem(prefix);
      const loss = () =>
        tf.tidy(() => {
          const d = p.data();
          if (!penalized) return d;
          const l2 = tf.add(tf.sum(tf.square(p.kernel)), tf.sum(tf.square(p.bias)));
          return tf.add(d, tf.mul(hp.weightDecay / 2, l2)) as tf.Scalar;
        });
      for (let i = 0; i < 8; i++) opt.minimize(loss);
      const out = [...p.kernel.dataSync(), ...p.bias.dataSync()];
      opt.dispose();
      p.dispose();
      return out;
    };
    const coupled = run(torchAdam(options), false, 'c1');
    const penalty = run(torchAdam({ ...options, weightDecay: 0 }), true, 'c2');
    const decoupled = run(adamw({ ...options, exclude: [] }), false, 'c3');
    expect(maxRelError(coupled, penalty)).toBeLessThan(10 * tolerance);
    expect(maxRelError(coupled, decoupled)).toBeGreaterThan(1e-3);
  });

  it('serializes its weightDecay and validates options', () => {
    const opt = torchAdam({ weightDecay: 0.1 });
    const config = opt.getConfig();
    expect(config.weightDecay).toBe(0.1);
    const back = TorchAdam.fromConfig(TorchAdam, config) as TorchAdam;
    expect(back.weightDecay).toBe(0.1);
    expect(() => torchAdam({ weightDecay: -1 })).toThrow(
      /options.weightDecay must be a number >= 0/,
    );
    expect(() => torchAdam({ lr: 1 } as never)).toThrow(/options/);
    opt.dispose();
  });
});

describe('TorchAdam arguments', () => {
  it('are checked however it is built (constructor, fromConfig), naming the argument', async () => {
    const { deserialize, InvalidArgumentError } = await import('@overfit/core');
    const bad: [() => unknown, RegExp][] = [
      [() => new TorchAdam(Number.POSITIVE_INFINITY, 0.9, 0.999, 1e-8), /learningRate must be/],
      [() => new TorchAdam(-1, 0.9, 0.999, 1e-8), /learningRate must be/],
      [() => new TorchAdam(0.01, 1, 0.999, 1e-8), /beta1 must be/],
      [() => new TorchAdam(0.01, 0.9, -0.1, 1e-8), /beta2 must be/],
      [() => new TorchAdam(0.01, 0.9, 0.999, Number.NaN), /epsilon must be/],
      [() => new TorchAdam(0.01, 0.9, 0.999, 1e-8, -1), /weightDecay must be/],
      [() => deserialize({ className: 'OverfitTorchAdam', config: {} }), /learningRate must be/],
      [
        () =>
          deserialize({
            className: 'OverfitTorchAdam',
            config: { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, amsgrad: true },
          }),
        /amsgrad/,
      ],
    ];
    for (const [call, message] of bad) {
      expect(call).toThrow(InvalidArgumentError);
      expect(call).toThrow(message);
    }
  });
});
