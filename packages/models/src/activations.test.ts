// SELU and a configurable leaky-ReLU slope in mlp, against their closed forms.
import { InvalidArgumentError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { tolerance } from '../../../test/backend.js';
import { mlp } from './mlp.js';

// PyTorch's nn.SELU constants (Klambauer et al. 2017).
const SELU_SCALE = 1.0507009873554805;
const SELU_ALPHA = 1.6732632423543772;

function activationOf(
  model: tf.LayersModel,
  layer: string,
  x: tf.Tensor,
): { pre: Float32Array; post: Float32Array } {
  const sub = tf.model({
    inputs: model.inputs,
    outputs: [
      model.getLayer(layer.replace('_activation', '')).output,
      model.getLayer(layer).output,
    ] as tf.SymbolicTensor[],
  });
  const [pre, post] = sub.predict(x) as tf.Tensor[];
  const out = { pre: pre!.dataSync() as Float32Array, post: post!.dataSync() as Float32Array };
  tf.dispose([pre!, post!]);
  return out;
}

describe('mlp activations', () => {
  it('selu: scale * (x > 0 ? x : alpha * (e^x - 1)), with LeCun normal init by default', () => {
    const model = mlp({
      inputShape: [16],
      hiddenUnits: [400],
      outputUnits: 2,
      activation: 'selu',
      seed: 1,
    });
    const x = tf.randomNormal([8, 16], 0, 2, 'float32', 3);
    const { pre, post } = activationOf(model, 'hidden_1_activation', x);
    pre.forEach((v, i) => {
      const expected = SELU_SCALE * (v > 0 ? v : SELU_ALPHA * (Math.exp(v) - 1));
      expect(Math.abs(post[i]! - expected)).toBeLessThanOrEqual(
        tolerance * Math.max(1, Math.abs(expected)),
      );
    });
    // LeCun normal: std sqrt(1 / fanIn) = 0.25 over 6400 kernel entries (2% sampling error).
    const k = model.getLayer('hidden_1').getWeights()[0]!;
    const std = tf.tidy(() => tf.sqrt(tf.mean(tf.square(k))).dataSync()[0]!);
    expect(Math.abs(std - 0.25) / 0.25).toBeLessThan(0.05);
    x.dispose();
    model.dispose();
  });

  it('leakyRelu takes its slope from leakyAlpha (default 0.01)', () => {
    for (const alpha of [undefined, 0.2]) {
      const model = mlp({
        inputShape: [4],
        hiddenUnits: [32],
        outputUnits: 2,
        activation: 'leakyRelu',
        ...(alpha === undefined ? {} : { leakyAlpha: alpha }),
        seed: 2,
      });
      const x = tf.randomNormal([6, 4], 0, 1, 'float32', 4);
      const { pre, post } = activationOf(model, 'hidden_1_activation', x);
      const a = alpha ?? 0.01;
      pre.forEach((v, i) => {
        expect(Math.abs(post[i]! - (v > 0 ? v : a * v))).toBeLessThanOrEqual(
          tolerance * Math.max(1, Math.abs(v)),
        );
      });
      expect(pre.some((v) => v < 0)).toBe(true);
      x.dispose();
      model.dispose();
    }
  });

  it('rejects leakyAlpha without leakyRelu, or negative', () => {
    expect(() => mlp({ inputShape: [4], outputUnits: 2, leakyAlpha: 0.2 })).toThrow(
      InvalidArgumentError,
    );
    expect(() => mlp({ inputShape: [4], outputUnits: 2, leakyAlpha: 0.2 })).toThrow(
      /options.leakyAlpha must be left out unless options.activation is 'leakyRelu'/,
    );
    expect(() =>
      mlp({ inputShape: [4], outputUnits: 2, activation: 'leakyRelu', leakyAlpha: -1 }),
    ).toThrow(/options.leakyAlpha must be a number >= 0/);
  });
});
