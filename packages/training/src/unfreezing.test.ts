// Gradual unfreezing inside one fit (ULMFiT): frozen layers stay bit-identical until their
// epoch, then train; the optimizer keeps every variable's state in its slot.
import { OverfitError } from '@overfit/core';
import { mlp } from '@overfit/models';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { Trainer } from './index.js';
import { blobs } from './test-helpers.js';

const disposables: tf.TensorContainer[] = [];
afterEach(() => {
  tf.dispose(disposables.splice(0));
});

const values = (m: tf.LayersModel, layer: string) =>
  m
    .getLayer(layer)
    .getWeights()
    .map((w) => Array.from(w.dataSync()));

/** A 2-8-8-3 MLP with everything but the head frozen. */
function headOnly(): tf.LayersModel {
  const model = mlp({ inputShape: [2], hiddenUnits: [8, 8], outputUnits: 3, seed: 1 });
  for (const l of model.layers) l.trainable = l.name === 'output';
  return model;
}

/** Records each layer's weights at the end of every epoch. */
function recorder(model: tf.LayersModel, layers: string[]) {
  const byEpoch: Record<string, number[][]>[] = [];
  return {
    byEpoch,
    callback: {
      onEpochEnd: () => {
        byEpoch.push(Object.fromEntries(layers.map((l) => [l, values(model, l)])));
      },
    },
  };
}

describe('gradual unfreezing (fit options.unfreeze)', () => {
  it('a frozen layer is bit-identical until its epoch, then trains (Adam)', async () => {
    const data = blobs(10, 3, 1);
    disposables.push(data);
    const model = headOnly();
    const initial = { h1: values(model, 'hidden_1'), h2: values(model, 'hidden_2') };
    const rec = recorder(model, ['hidden_1', 'hidden_2', 'output']);
    const trainer = new Trainer({ model, optimizer: tf.train.adam(0.05), seed: 1 });
    const history = await trainer.fit(data, {
      epochs: 6,
      batchSize: 10,
      unfreeze: [
        { epoch: 2, layers: ['hidden_2'] },
        { epoch: 4, layers: /^hidden_1$/ },
      ],
      callbacks: [rec.callback],
    });
    expect(history.epochs).toHaveLength(6);
    const e = rec.byEpoch;
    for (const k of [0, 1]) expect(e[k]!.hidden_2).toEqual(initial.h2);
    expect(e[2]!.hidden_2).not.toEqual(initial.h2);
    for (const k of [0, 1, 2, 3]) expect(e[k]!.hidden_1).toEqual(initial.h1);
    expect(e[4]!.hidden_1).not.toEqual(initial.h1);
    expect(e[1]!.output).not.toEqual(e[0]!.output);
    // Adam's state: the head kept its slots; the unfrozen layers' were appended after them.
    const slots = (await trainer.optimizer.getWeights()).slice(1);
    const moments = slots.slice(0, slots.length / 2).map((s) => s.name);
    expect(moments).toEqual([
      'output/kernel/m',
      'output/bias/m',
      'hidden_2/kernel/m',
      'hidden_2/bias/m',
      'hidden_1/kernel/m',
      'hidden_1/bias/m',
    ]);
    model.dispose();
  });

  it('unfreezing between fits keeps the optimizer state in place too', async () => {
    const data = blobs(10, 3, 2);
    disposables.push(data);
    const model = headOnly();
    const trainer = new Trainer({ model, optimizer: tf.train.adam(0.05), seed: 1 });
    await trainer.fit(data, { epochs: 1, batchSize: 10 });
    model.getLayer('hidden_2').trainable = true;
    // In model order, hidden_2's kernel [8, 8] would take the head's [8, 3] moments and fail.
    await trainer.fit(data, { epochs: 2, batchSize: 10 });
    const slots = (await trainer.optimizer.getWeights()).slice(1);
    expect(slots.slice(0, 4).map((s) => s.tensor.shape)).toEqual([[8, 3], [3], [8, 8], [8]]);
    model.dispose();
  });

  it('a callback that unfreezes in onEpochBegin takes effect that epoch', async () => {
    const data = blobs(10, 3, 3);
    disposables.push(data);
    const model = headOnly();
    const before = values(model, 'hidden_1');
    const trainer = new Trainer({ model, optimizer: tf.train.sgd(0.2), seed: 1 });
    const rec = recorder(model, ['hidden_1']);
    const unfreezeAt1 = {
      onEpochBegin: (epoch: number) => {
        if (epoch === 1) model.getLayer('hidden_1').trainable = true;
      },
    };
    await trainer.fit(data, { epochs: 2, batchSize: 10, callbacks: [unfreezeAt1, rec.callback] });
    expect(rec.byEpoch[0]!.hidden_1).toEqual(before);
    expect(rec.byEpoch[1]!.hidden_1).not.toEqual(before);
    model.dispose();
  });

  it('leaks no tensors across fits that rebind', async () => {
    const data = blobs(10, 3, 4);
    disposables.push(data);
    const model = headOnly();
    const trainer = new Trainer({ model, optimizer: tf.train.sgd(0.1), seed: 1 });
    const options = { epochs: 3, batchSize: 10, unfreeze: [{ epoch: 1, layers: /hidden/ }] };
    await trainer.fit(data, options);
    const count = tf.memory().numTensors;
    for (const l of model.layers) l.trainable = l.name === 'output'; // plain SGD has no state
    await trainer.fit(data, options);
    expect(tf.memory().numTensors).toBe(count);
    model.dispose();
  });

  it('a resumed fit applies the steps scheduled before initialEpoch', async () => {
    const data = blobs(10, 3, 5);
    disposables.push(data);
    const model = headOnly();
    const before = values(model, 'hidden_1');
    const trainer = new Trainer({ model, optimizer: tf.train.sgd(0.2), seed: 1 });
    await trainer.fit(data, {
      epochs: 4,
      initialEpoch: 3,
      batchSize: 10,
      unfreeze: [{ epoch: 1, layers: ['hidden_1'] }],
    });
    expect(values(model, 'hidden_1')).not.toEqual(before);
    model.dispose();
  });

  it('checks the schedule before training and refuses a re-freeze under Adam', async () => {
    const data = blobs(10, 3, 6);
    disposables.push(data);
    const model = headOnly();
    const trainer = new Trainer({ model, optimizer: tf.train.adam(0.01), seed: 1 });
    const fitWith = (unfreeze: unknown, epochs = 3) =>
      trainer.fit(data, { epochs, batchSize: 10, unfreeze: unfreeze as [] });
    await expect(fitWith([{ epoch: 1, layers: ['hidden_9'] }])).rejects.toThrow(
      /options.unfreeze\[0\].layers must be a layer of the model \(hidden_1, hidden_1_activation/,
    );
    await expect(fitWith([{ epoch: 3, layers: ['hidden_1'] }])).rejects.toThrow(
      /options.unfreeze\[0\].epoch must be/,
    );
    await expect(fitWith([{ epoch: 1, layers: /nothing/ }])).rejects.toThrow(/at least one layer/);
    await expect(fitWith({ 1: 'hidden_1' })).rejects.toThrow(/options.unfreeze must be an array/);
    expect(trainer.history).toBeUndefined(); // nothing trained
    await fitWith([{ epoch: 1, layers: ['hidden_2'] }]);
    model.getLayer('hidden_2').trainable = false;
    await expect(fitWith([])).rejects.toThrow(OverfitError);
    await expect(fitWith([])).rejects.toThrow(/'hidden_2\/kernel.*' stopped being trainable/);
    const withDiagnostics = new Trainer({
      model,
      optimizer: tf.train.sgd(0.1),
      diagnostics: { gradientNorms: { every: 1 } },
    });
    await expect(
      withDiagnostics.fit(data, { epochs: 2, unfreeze: [{ epoch: 1, layers: ['hidden_1'] }] }),
    ).rejects.toThrow(/options.unfreeze must be left out when the Trainer has diagnostics/);
    model.dispose();
  });
});
