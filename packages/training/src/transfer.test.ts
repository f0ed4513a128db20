// Transfer learning in the Trainer: frozen layers (models' freeze) keep their weights,
// a replaced head trains; unfreezing between fits fine-tunes the body too.
import { freeze, mlp, replaceHead, unfreeze } from '@overfit/models';
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

describe('freeze / replaceHead with the Trainer', () => {
  it('feature extraction, then partial fine-tuning', async () => {
    const data = blobs(10, 3, 1);
    disposables.push(data);
    const pretrained = mlp({ inputShape: [2], hiddenUnits: [8, 8], outputUnits: 5, seed: 1 });
    const model = replaceHead(pretrained, { units: 3, seed: 2 });
    freeze(model, (name) => name !== 'output');
    const h1 = values(model, 'hidden_1');
    const h2 = values(model, 'hidden_2');
    const head = values(model, 'output');
    const trainer = new Trainer({ model, optimizer: tf.train.sgd(0.2), seed: 1 });
    await trainer.fit(data, { epochs: 2, batchSize: 10 });
    expect(values(model, 'hidden_1')).toEqual(h1);
    expect(values(model, 'hidden_2')).toEqual(h2);
    expect(values(model, 'output')).not.toEqual(head);
    unfreeze(model, ['hidden_2']);
    await trainer.fit(data, { epochs: 1, batchSize: 10 });
    expect(values(model, 'hidden_1')).toEqual(h1);
    expect(values(model, 'hidden_2')).not.toEqual(h2);
    model.dispose(); // the shared body with it
    pretrained.getLayer('output').dispose(); // the replaced head
  });
});
