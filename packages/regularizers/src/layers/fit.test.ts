import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { AlphaDropout } from './alpha-dropout.js';
import { DropBlock2D } from './dropblock.js';
import { GaussianDropout, GaussianNoise } from './gaussian.js';
import { SpatialDropout2D } from './spatial-dropout.js';

describe('noise layers inside model.fit', () => {
  it('train (loss falls), draw new masks each step, and predict deterministically', async () => {
    const init = (seed: number) => tf.initializers.glorotUniform({ seed });
    const spatial = new SpatialDropout2D({ rate: 0.2, seed: 1, inputShape: [4, 4, 2] });
    const model = tf.sequential({
      layers: [
        spatial,
        new DropBlock2D({ rate: 0.1, blockSize: 2, seed: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 16, activation: 'selu', kernelInitializer: init(3) }),
        new GaussianDropout({ rate: 0.1, seed: 4 }),
        new GaussianNoise({ stddev: 0.05, seed: 5 }),
        new AlphaDropout({ rate: 0.05, seed: 6 }),
        tf.layers.dense({ units: 1, kernelInitializer: init(7) }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(0.02), loss: 'meanSquaredError' });
    const x = tf.randomNormal([64, 4, 4, 2], 0, 1, 'float32', 8);
    const y = tf.mean(tf.reshape(x, [64, 32]), 1, true);
    const history = await model.fit(x, y, { epochs: 30, batchSize: 32, verbose: 0 });
    const losses = history.history.loss as number[];
    expect(losses.at(-1)!).toBeLessThan(losses[0]! / 2);
    expect(spatial.drawCount).toBe(60); // one fresh mask per training step
    const a = (model.predict(x) as tf.Tensor).dataSync();
    const b = (model.predict(x) as tf.Tensor).dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    model.dispose();
  });
});
