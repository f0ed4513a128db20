import { InvalidArgumentError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { mlp } from './mlp.js';
import { freeze, replaceHead, unfreeze } from './transfer.js';

const trainableNames = (m: tf.LayersModel) => m.trainableWeights.map((w) => w.originalName);

describe('transfer learning helpers', () => {
  it('freeze / unfreeze by name, pattern or predicate (feature extraction → fine-tuning)', () => {
    const model = mlp({ inputShape: [4], hiddenUnits: [8, 8], outputUnits: 3, seed: 1 });
    expect(freeze(model, (n) => n !== 'output')).toEqual([
      'hidden_1',
      'hidden_1_activation',
      'hidden_2',
      'hidden_2_activation',
    ]);
    expect(trainableNames(model)).toEqual(['output/kernel', 'output/bias']);
    expect(unfreeze(model, /^hidden_2$/g)).toEqual(['hidden_2']);
    expect(trainableNames(model)).toEqual([
      'hidden_2/kernel',
      'hidden_2/bias',
      'output/kernel',
      'output/bias',
    ]);
    unfreeze(model);
    expect(trainableNames(model)).toHaveLength(6);
    freeze(model);
    expect(trainableNames(model)).toEqual([]);
    expect(() => freeze(model, ['hiden_1'])).toThrow(InvalidArgumentError);
    expect(() => freeze(model, ['hiden_1'])).toThrow(/a layer of the model \(hidden_1, /);
    model.dispose();
  });

  it("a frozen BatchNormalization runs in inference mode, also nested (Keras' trainable = False)", () => {
    const bnModel = () => {
      const bn = tf.layers.batchNormalization({ name: 'bn', inputShape: [3] });
      const m = tf.sequential({ layers: [bn, tf.layers.dense({ units: 2, name: 'out' })] });
      // Moving statistics far from the batch's, so the two modes differ.
      bn.setWeights([tf.ones([3]), tf.zeros([3]), tf.fill([3], 5), tf.fill([3], 4)]);
      return { m, bn };
    };
    const x = tf.tensor2d([
      [1, 2, 3],
      [4, 0, -1],
      [2, 2, 2],
    ]);
    const bnOut = (bn: tf.layers.Layer, training: boolean) =>
      tf.tidy(() => Array.from((bn.apply(x, { training }) as tf.Tensor).dataSync()));
    const moving = (bn: tf.layers.Layer) => Array.from(bn.getWeights()[2]!.dataSync());

    const { m, bn } = bnModel();
    const batchMode = bnOut(bn, true); // unfrozen: batch statistics
    expect(batchMode).not.toEqual(bnOut(bn, false));
    freeze(m, ['bn']);
    const before = moving(bn);
    expect(bnOut(bn, true)).toEqual(bnOut(bn, false)); // frozen: moving statistics
    expect(moving(bn)).toEqual(before); // and left alone
    unfreeze(m, ['bn']);
    expect(bnOut(bn, true)).not.toEqual(bnOut(bn, false));

    // Nested: freezing the base model freezes the BatchNormalization inside it.
    const { m: base, bn: inner } = bnModel();
    const outer = tf.sequential({ layers: [base, tf.layers.dense({ units: 2, name: 'head' })] });
    freeze(outer, [base.name]);
    const innerBefore = moving(inner);
    tf.tidy(() => {
      outer.apply(x, { training: true });
    });
    expect(moving(inner)).toEqual(innerBefore);
    expect(bnOut(inner, true)).toEqual(bnOut(inner, false));
    unfreeze(outer);
    expect(bnOut(inner, true)).not.toEqual(bnOut(inner, false));
    tf.dispose(x);
    m.dispose();
    outer.dispose();
  });

  it('replaceHead shares the body (same weights and outputs), new head of the asked width', () => {
    const model = mlp({ inputShape: [4], hiddenUnits: [8], outputUnits: 10, seed: 2 });
    freeze(model, ['hidden_1']);
    const tuned = replaceHead(model, { units: 3, seed: 7 });
    expect(tuned.outputs[0]!.shape).toEqual([null, 3]);
    expect(tuned.getLayer('hidden_1')).toBe(model.getLayer('hidden_1'));
    expect(trainableNames(tuned)).toEqual(['output/kernel', 'output/bias']);
    const x = tf.randomNormal([5, 4], 0, 1, 'float32', 1);
    const features = (m: tf.LayersModel) =>
      tf
        .tidy(
          () =>
            tf
              .model({
                inputs: m.inputs,
                outputs: m.getLayer('hidden_1_activation').output as tf.SymbolicTensor,
              })
              .predict(x) as tf.Tensor,
        )
        .arraySync();
    expect(features(tuned)).toEqual(features(model));
    expect(model.outputs[0]!.shape).toEqual([null, 10]); // the original is untouched
    // Seeded: the same seed gives the same fresh head.
    const again = replaceHead(model, { units: 3, seed: 7 });
    expect(again.getLayer('output').getWeights()[0]!.arraySync()).toEqual(
      tuned.getLayer('output').getWeights()[0]!.arraySync(),
    );
    expect(() => replaceHead(model, { units: 0 })).toThrow(/options.units must be an integer >= 1/);
    for (const [call, message] of [
      [
        () => replaceHead(model, undefined as never),
        "options must be an options object with 'units', got undefined",
      ],
      [() => replaceHead(model, { units: 3, name: '' }), 'options.name must be a name of letters'],
      [
        () => replaceHead(model, { units: 3, name: 'new head' }),
        'options.name must be a name of letters',
      ],
      [
        () => replaceHead(model, { units: 3, name: 'hidden_1' }),
        'options.name must be a name no layer of the body has (hidden_1, hidden_1_activation)',
      ],
      [
        () => replaceHead(undefined as never, { units: 3 }),
        'model must be a tfjs-layers LayersModel',
      ],
      [() => freeze({} as never), 'LayersModel (e.g. a Sequential), got {}'],
      [() => unfreeze(null as never), 'LayersModel (e.g. a Sequential), got null'],
    ] as const) {
      expect(call).toThrow(InvalidArgumentError);
      expect(call).toThrow(message);
    }
    x.dispose();
    model.dispose();
  });
});
