import * as tf from '@tensorflow/tfjs-core';
import { layers, sequential } from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { Dropout, dropout } from './dropout.js';

describe('dropout', () => {
  it('is exact in expectation and keeps 1 - rate of the units', async () => {
    const x = tf.ones([200, 100]);
    const y = dropout(x, 0.3, { seed: 4, training: true });
    const kept = (await tf.sum(tf.cast(tf.greater(y, 0), 'float32')).data())[0]! / 20000;
    expect(kept).toBeGreaterThan(0.68);
    expect(kept).toBeLessThan(0.72);
    expect((await tf.mean(y).data())[0]).toBeCloseTo(1, 1);
    const values = new Set(Array.from(await y.data()).map((v) => v.toFixed(5)));
    expect([...values].sort()).toEqual(['0.00000', (1 / 0.7).toFixed(5)]);
    tf.dispose([x, y]);
  });

  it('is the identity when not training or at rate 0', async () => {
    const x = tf.tensor([1, 2, 3]);
    expect(await dropout(x, 0.5, { seed: 1, training: false }).data()).toEqual(await x.data());
    expect(await dropout(x, 0, { seed: 1, training: true }).data()).toEqual(await x.data());
  });

  it('rejects rates outside [0, 1)', () => {
    expect(() => dropout(tf.ones([2]), 1, { seed: 1 })).toThrow(
      'rate must be a number in [0, 1), got 1',
    );
    expect(() => new Dropout({ rate: -0.1 })).toThrow(/rate must be/);
  });
});

describe('Dropout layer', () => {
  it('draws a new mask every training call, replayable from the seed', async () => {
    const layer = new Dropout({ rate: 0.5, seed: 3 });
    const x = tf.ones([4, 32]);
    const a = await (layer.apply(x, { training: true }) as tf.Tensor).data();
    const b = await (layer.apply(x, { training: true }) as tf.Tensor).data();
    expect(Array.from(a)).not.toEqual(Array.from(b));
    layer.resetStream();
    expect(Array.from(await (layer.apply(x, { training: true }) as tf.Tensor).data())).toEqual(
      Array.from(a),
    );
    expect(Array.from(await (layer.apply(x) as tf.Tensor).data())).toEqual(
      Array.from(await x.data()),
    );
  });

  it('serializes through a tfjs-layers model config', () => {
    const model = sequential({
      layers: [layers.dense({ units: 3, inputShape: [2] }), new Dropout({ rate: 0.25, seed: 9 })],
    });
    const config = model.getConfig() as unknown as {
      layers: { className: string; config: { rate: number; seed: number } }[];
    };
    const entry = config.layers.find((l) => l.className === 'OverfitDropout')!;
    expect(entry.config.rate).toBe(0.25);
    expect(entry.config.seed).toBe(9);
  });

  it('leaks no tensors', () => {
    const layer = new Dropout({ rate: 0.5, seed: 3 });
    const x = tf.ones([4, 8]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.dispose(layer.apply(x, { training: true }) as tf.Tensor);
    expect(tf.memory().numTensors).toBe(before);
  });
});
