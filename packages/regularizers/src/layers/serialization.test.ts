import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { tolerance } from '../../../../test/backend.js';
import { maxNorm } from '../constraints.js';
import { l1l2 } from '../penalties.js';
import { maxRelError, roundTrip } from '../test-helpers.js';
import { AlphaDropout } from './alpha-dropout.js';
import { DropBlock2D } from './dropblock.js';
import { DropConnectDense } from './dropconnect.js';
import { Dropout } from './dropout.js';
import { GaussianDropout, GaussianNoise } from './gaussian.js';
import { SpatialDropout2D } from './spatial-dropout.js';
import { StochasticDepth } from './stochastic-depth.js';

describe('layer serialization', () => {
  it('every layer saves under its Overfit* class name and loads back with the same config and output', async () => {
    const model = tf.sequential({
      layers: [
        new SpatialDropout2D({ rate: 0.1, seed: 1, inputShape: [6, 6, 2] }),
        new DropBlock2D({ rate: 0.2, blockSize: 3, seed: 2 }),
        tf.layers.flatten(),
        new GaussianDropout({ rate: 0.3, seed: 3 }),
        new GaussianNoise({ stddev: 0.2, seed: 4 }),
        new AlphaDropout({ rate: 0.05, seed: 5 }),
        new StochasticDepth({ rate: 0.1, mode: 'batch', seed: 6 }),
        new Dropout({ rate: 0.25, seed: 7 }),
        new DropConnectDense({
          units: 3,
          rate: 0.4,
          activation: 'sigmoid',
          seed: 8,
          kernelRegularizer: l1l2({ l1: 0.01, l2: 0.02 }),
          kernelConstraint: maxNorm({ maxValue: 2 }),
        }),
      ],
    });
    const { topology, loaded } = await roundTrip(model);
    const names = (topology.config.layers as { class_name: string }[]).map((l) => l.class_name);
    expect(names).toEqual([
      'OverfitSpatialDropout2D',
      'OverfitDropBlock2D',
      'Flatten',
      'OverfitGaussianDropout',
      'OverfitGaussianNoise',
      'OverfitAlphaDropout',
      'OverfitStochasticDepth',
      'OverfitDropout',
      'OverfitDropConnectDense',
    ]);
    const configs = (m: tf.LayersModel) =>
      m.layers.map((l) => {
        const { name: _name, ...rest } = l.getConfig();
        return rest;
      });
    expect(configs(loaded)).toEqual(configs(model));
    const dc = loaded.layers[8] as DropConnectDense;
    expect(dc.kernelRegularizer?.getClassName()).toBe('OverfitL1L2');
    expect(dc.kernelConstraint?.getClassName()).toBe('OverfitMaxNorm');
    const x = tf.randomNormal([2, 6, 6, 2], 0, 1, 'float32', 1);
    // Not bit-equal: loading writes the kernel through its maxNorm constraint (w * n / (n + 1e-7)).
    expect(
      maxRelError(
        (loaded.predict(x) as tf.Tensor).dataSync(),
        (model.predict(x) as tf.Tensor).dataSync(),
      ),
    ).toBeLessThan(tolerance);
    model.dispose();
    loaded.dispose();
  });
});
