// The README example, run as written (so the documented code keeps working).
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { installKernels, uninstallKernels } from './index.js';

describe('README example', () => {
  it('installs the kernels, trains a conv net with model.fit on wasm, uninstalls', async () => {
    await tf.setBackend('wasm');
    const installed = installKernels();
    expect(installed.map((i) => i.backend)).toEqual(['cpu', 'wasm']);
    expect(installed[1]!.kernels).toContain('Conv2DBackpropFilter');

    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, activation: 'relu' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 2 }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(1e-2), loss: 'meanSquaredError' });
    const x = tf.randomNormal([16, 8, 8, 1]);
    const y = tf.randomNormal([16, 2]);
    const history = await model.fit(x, y, { epochs: 2, verbose: 0 });
    expect(history.history.loss).toHaveLength(2);

    uninstallKernels();
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    tf.dispose([x, y]);
    model.dispose();
  });
});
