import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { tolerance } from '../../../test/backend.js';
import { Trainer } from './index.js';
import { blobs, hostCrossEntropy, mlp } from './test-helpers.js';

const disposables: tf.TensorContainer[] = [];
afterEach(() => {
  tf.dispose(disposables.splice(0));
});

/** Independent host reference: loss, confusion matrix, accuracy and macro-F1 (0 for 0/0). */
function hostMetrics(model: tf.LayersModel, x: tf.Tensor, ids: ArrayLike<number>, k: number) {
  const logits = (model.predict(x) as tf.Tensor).arraySync() as number[][];
  const cm = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  logits.forEach((row, i) => {
    cm[ids[i]!]![row.indexOf(Math.max(...row))]! += 1;
  });
  const n = logits.length;
  const accuracy = cm.reduce((s, row, i) => s + row[i]!, 0) / n;
  const f1s = cm.map((row, c) => {
    const tp = row[c]!;
    const predicted = cm.reduce((s, r) => s + r[c]!, 0);
    const actual = row.reduce((s, v) => s + v, 0);
    const p = predicted === 0 ? 0 : tp / predicted;
    const r = actual === 0 ? 0 : tp / actual;
    return p + r === 0 ? 0 : (2 * p * r) / (p + r);
  });
  return {
    loss: hostCrossEntropy(logits, ids),
    cm,
    accuracy,
    macroF1: f1s.reduce((s, v) => s + v, 0) / k,
  };
}

const close = (actual: number | undefined, expected: number) =>
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(
    tolerance * Math.max(1, Math.abs(expected)),
  );

describe('validation metrics', () => {
  it('valLoss, valAccuracy and valMacroF1 equal an independent host computation', async () => {
    const train = blobs(10, 5, 1);
    const val = blobs(9, 5, 2);
    disposables.push(train, val);
    const model = mlp([2, 6, 5], 1);
    // A short, slow run so the classifier is still imperfect (a non-trivial confusion matrix).
    const trainer = new Trainer({ model, optimizer: tf.train.sgd(0.05), seed: 1 });
    const h = await trainer.fit(train, { epochs: 2, batchSize: 7, validationData: val });
    const ref = hostMetrics(model, val.x, val.y.dataSync(), 5);
    expect(ref.accuracy).toBeLessThan(1);
    const last = h.epochs.at(-1)!;
    close(last.valLoss, ref.loss);
    close(last.valAccuracy, ref.accuracy);
    close(last.valMacroF1, ref.macroF1);

    const ev = await trainer.evaluate(val, { batchSize: 4 });
    expect(ev.confusionMatrix).toEqual(ref.cm);
    close(ev.loss, ref.loss);
    close(ev.accuracy, ref.accuracy);
    close(ev.macroF1, ref.macroF1);
    model.dispose();
  });

  it('evaluate takes one-hot targets too', async () => {
    const val = blobs(6, 3, 3);
    const oneHot = tf.oneHot(val.y, 3).toFloat();
    disposables.push(val, oneHot);
    const model = mlp([2, 4, 3], 2);
    const trainer = new Trainer({ model, optimizer: tf.train.sgd(0.1), seed: 1 });
    const a = await trainer.evaluate(val);
    const b = await trainer.evaluate({ x: val.x, y: oneHot });
    expect(b.confusionMatrix).toEqual(a.confusionMatrix);
    close(b.loss, a.loss);
    model.dispose();
  });
});

describe('predict', () => {
  it('returns the logits of model.predict, batch by batch', () => {
    const { x, y } = blobs(7, 3, 4); // 21 rows, batch 8: 8 + 8 + 5
    disposables.push(x, y);
    const model = mlp([2, 4, 3], 3);
    const trainer = new Trainer({ model, optimizer: tf.train.sgd(0.1), seed: 1 });
    const ours = trainer.predict(x, { batchSize: 8 });
    const theirs = model.predict(x) as tf.Tensor;
    disposables.push(ours, theirs);
    expect(ours.shape).toEqual([21, 3]);
    expect(tf.max(tf.abs(tf.sub(ours, theirs))).dataSync()[0]).toBeLessThan(1e-6);
    model.dispose();
  });
});
