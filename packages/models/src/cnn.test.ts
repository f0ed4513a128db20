import { InvalidArgumentError } from '@overfit/core';
import type { Dropout } from '@overfit/regularizers';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { tolerance } from '../../../test/backend.js';
import { cnn } from './cnn.js';

describe('cnn', () => {
  it("builds the course's network by default (3,309,578 parameters)", () => {
    const model = cnn({ seed: 1 });
    expect(model.layers.map((l) => [l.name, l.getClassName(), l.outputShape])).toEqual([
      ['conv_1', 'Conv2D', [null, 28, 28, 32]],
      ['conv_1_activation', 'Activation', [null, 28, 28, 32]],
      ['conv_2', 'Conv2D', [null, 28, 28, 64]],
      ['conv_2_activation', 'Activation', [null, 28, 28, 64]],
      ['pool_2', 'MaxPooling2D', [null, 14, 14, 64]],
      ['conv_3', 'Conv2D', [null, 14, 14, 128]],
      ['conv_3_activation', 'Activation', [null, 14, 14, 128]],
      ['pool_3', 'MaxPooling2D', [null, 7, 7, 128]],
      ['flatten', 'Flatten', [null, 6272]],
      ['dense_1', 'Dense', [null, 512]],
      ['dense_1_activation', 'Activation', [null, 512]],
      ['dense_1_dropout', 'OverfitDropout', [null, 512]],
      ['output', 'Dense', [null, 10]],
    ]);
    expect((model.getLayer('dense_1_dropout') as Dropout).rate).toBe(0.5);
    expect(model.countParams()).toBe(320 + 18_496 + 73_856 + 6272 * 512 + 512 + 5130);
    model.dispose();
  });

  it('initializes conv kernels with fanIn = kH * kW * Cin (Keras): heNormal std sqrt(2 / fanIn), truncated; glorotUniform bound sqrt(6 / (fanIn + fanOut))', () => {
    const stats = (values: Float32Array) => {
      let sum = 0;
      let squares = 0;
      let maxAbs = 0;
      for (const v of values) {
        sum += v;
        squares += v * v;
        maxAbs = Math.max(maxAbs, Math.abs(v));
      }
      const mean = sum / values.length;
      return { std: Math.sqrt(squares / values.length - mean * mean), maxAbs };
    };
    const kernel = (model: ReturnType<typeof cnn>, name: string) =>
      model.getLayer(name).getWeights()[0]!.dataSync() as Float32Array;
    const relu = cnn({ inputShape: [12, 12, 3], filters: [32, 64], denseUnits: 4, seed: 5 });
    // conv_2: [3, 3, 32, 64], fanIn 288; its std sqrt(2 / 288), cut at 2 / 0.8796 of it.
    const he = stats(kernel(relu, 'conv_2'));
    const heStd = Math.sqrt(2 / (3 * 3 * 32));
    expect(he.std / heStd).toBeGreaterThan(0.98);
    expect(he.std / heStd).toBeLessThan(1.02);
    expect(he.maxAbs).toBeLessThanOrEqual(((2 * heStd) / 0.8796256610342398) * (1 + 1e-6));
    const tanh = cnn({
      inputShape: [12, 12, 3],
      filters: [32, 64],
      denseUnits: 4,
      activation: 'tanh',
      seed: 5,
    });
    const glorot = stats(kernel(tanh, 'conv_2'));
    const limit = Math.sqrt(6 / (3 * 3 * 32 + 3 * 3 * 64));
    expect(glorot.maxAbs).toBeLessThanOrEqual(limit);
    expect(glorot.maxAbs).toBeGreaterThan(0.99 * limit);
    expect(glorot.std / (limit / Math.sqrt(3))).toBeCloseTo(1, 1);
    relu.dispose();
    tanh.dispose();
  });

  it('computes conv_1 as conv2d(x, W, same) + b and maps a batch to logits', async () => {
    const model = cnn({
      inputShape: [6, 5, 2],
      filters: [3, 4],
      denseUnits: 8,
      outputUnits: 3,
      seed: 2,
    });
    const x = tf.randomUniform([2, 6, 5, 2], -1, 1, 'float32', 3);
    const [w, b] = model.getLayer('conv_1').getWeights();
    const expected = tf.tidy(() =>
      tf.add(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'), b!),
    );
    const got = model.getLayer('conv_1').apply(x) as tf.Tensor;
    const e = await expected.data();
    const g = await got.data();
    for (let i = 0; i < e.length; i++)
      expect(Math.abs(g[i]! - e[i]!)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(e[i]!)));
    const logits = model.predict(x) as tf.Tensor;
    expect(logits.shape).toEqual([2, 3]);
    tf.dispose([x, expected, got, logits]);
    model.dispose();
  });

  it('is reproducible from the seed and follows the options', () => {
    const options = {
      inputShape: [12, 12, 1],
      filters: [2, 3, 4],
      padding: 'valid' as const,
      denseUnits: 5,
      dropout: 0.25,
      seed: 9,
      activation: 'elu' as const,
    };
    const a = cnn(options);
    const b = cnn(options);
    expect(b.getWeights().map((t) => Array.from(t.dataSync()))).toEqual(
      a.getWeights().map((t) => Array.from(t.dataSync())),
    );
    expect((b.getLayer('dense_1_dropout') as Dropout).seed).toBe(
      (a.getLayer('dense_1_dropout') as Dropout).seed,
    );
    expect(a.getLayer('conv_1_activation').getConfig().activation).toBe('elu');
    expect(a.getLayer('pool_3').outputShape).toEqual([null, 1, 1, 4]);
    const noDropout = cnn({ inputShape: [8, 8, 1], filters: [2], dropout: 0, seed: 1 });
    expect(noDropout.layers.map((l) => l.name)).toEqual([
      'conv_1',
      'conv_1_activation',
      'flatten',
      'dense_1',
      'dense_1_activation',
      'output',
    ]);
    for (const m of [a, b, noDropout]) m.dispose();
  });

  it('rejects bad options before building anything', () => {
    expect(() => cnn({ inputShape: [28, 28] })).toThrow(
      /options.inputShape must be an array of positive integers of length 3/,
    );
    expect(() => cnn({ filters: [] })).toThrow(/options.filters/);
    expect(() => cnn({ dropout: 1.5 })).toThrow(
      'options.dropout must be a number in [0, 1), got 1.5',
    );
    expect(() => cnn({ padding: 'causal' as 'same' })).toThrow(/options.padding/);
    expect(() => cnn({ kernelSize: 5 } as never)).toThrow(/options.kernelSize/);
    expect(() => cnn({ inputShape: [4, 4, 1], filters: [2, 2, 2, 2], padding: 'valid' })).toThrow(
      InvalidArgumentError,
    );
    expect(() => cnn({ inputShape: [4, 4, 1], filters: [2, 2, 2, 2] })).toThrow(
      /large enough for 4 3x3 convs/,
    );
  });
});
