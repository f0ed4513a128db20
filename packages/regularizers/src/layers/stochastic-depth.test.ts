import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { drawTraining, momentsMatch } from '../test-helpers.js';
import { StochasticDepth } from './stochastic-depth.js';

describe('StochasticDepth', () => {
  it("'row' keeps or drops each sample's whole branch, scaled by 1 / (1 - rate)", () => {
    const y = (
      new StochasticDepth({ rate: 0.5, seed: 1 }).apply(tf.ones([16, 3, 2]), {
        training: true,
      }) as tf.Tensor
    ).arraySync() as number[][][];
    const perSample = y.map((s) => [...new Set(s.flat().map((v) => v.toFixed(5)))]);
    for (const values of perSample) expect(values.length).toBe(1);
    const kinds = new Set(perSample.map((v) => v[0]));
    expect([...kinds].sort()).toEqual(['0.00000', '2.00000']);
  });

  it("'batch' drops the whole batch at once", () => {
    const layer = new StochasticDepth({ rate: 0.5, seed: 2, mode: 'batch' });
    for (const y of drawTraining(layer, tf.ones([4, 3]), 10)) expect(new Set(y).size).toBe(1);
  });

  it('is exact in expectation with variance x^2 * rate / (1 - rate)', () => {
    const rate = 0.2;
    const x = tf.randomUniform([6, 4], 0.5, 1.5, 'float32', 3);
    const xs = x.dataSync();
    const check = momentsMatch(
      drawTraining(new StochasticDepth({ rate, seed: 4 }), x, 600),
      xs,
      Array.from(xs, (v) => (v * v * rate) / (1 - rate)),
    );
    expect(check.meanOk, `variance ratio ${check.varianceRatio}`).toBe(true);
  });

  it('trains in a residual block of a functional model; identity at inference', async () => {
    const input = tf.input({ shape: [4] });
    const branch = tf.layers
      .dense({ units: 4, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) })
      .apply(input) as tf.SymbolicTensor;
    const dropped = new StochasticDepth({ rate: 0.3, seed: 1 }).apply(branch) as tf.SymbolicTensor;
    const out = tf.layers.add().apply([input, dropped]) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    model.compile({ optimizer: tf.train.sgd(0.05), loss: 'meanSquaredError' });
    const x = tf.randomNormal([32, 4], 0, 1, 'float32', 2);
    const history = await model.fit(x, tf.mul(x, 2), { epochs: 30, verbose: 0 });
    const losses = history.history.loss as number[];
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]!);
    const a = (model.predict(x) as tf.Tensor).dataSync();
    const b = (model.predict(x) as tf.Tensor).dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    model.dispose();
  });

  it('validates its arguments', () => {
    expect(() => new StochasticDepth({ rate: 1 })).toThrow(
      'rate must be a number in [0, 1), got 1',
    );
    expect(() => new StochasticDepth({ rate: 0.1, mode: 'col' as never })).toThrow(
      /mode must be one of 'row', 'batch'/,
    );
  });
});
