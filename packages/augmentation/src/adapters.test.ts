import { Rng } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { flattened } from './adapters.js';
import { augment, compose } from './compose.js';
import { horizontalFlip } from './geometric.js';
import { mixup } from './mixing.js';
import { augmentationFromConfig, describeAugmentation } from './registry.js';
import { expectClose, expectNoLeak, ramp } from './test-utils.js';

describe('flattened', () => {
  it('applies an image transform to [N, H*W*C] rows and mixes labels through it', async () => {
    const images = ramp(3, 4, 5, 2);
    const flat = tf.reshape(images, [3, 40]);
    const labels = tf.cast(tf.oneHot(tf.tensor1d([0, 1, 2], 'int32'), 3), 'float32');
    const t = flattened(compose([horizontalFlip({ p: 1 }), mixup()]), [4, 5, 2]);
    const out = augment(t, flat, labels, { training: true, rng: new Rng(1) });
    expect(out.images.shape).toEqual([3, 40]);
    const inner = compose([horizontalFlip({ p: 1 }), mixup()]);
    await expectClose(out.images, tf.reshape(inner.apply(images, out.params as never), [3, 40]), 0);
    await expectClose(tf.sum(out.labels!, 1), tf.ones([3]));
    expectNoLeak(() => t.apply(flat, out.params));
  });

  it('checks the row length and round-trips its config', () => {
    const t = flattened(horizontalFlip(), [28, 28, 1]);
    expect(() => t.sampleParams([2, 100], new Rng(1))).toThrow(
      'flattened expects [N, 784] batches (images 28x28x1), got [2, 100]',
    );
    expect(() => flattened(horizontalFlip(), [28, 28] as never)).toThrow(
      /imageShape must be an \[H, W, C\] triple/,
    );
    const config = describeAugmentation(t);
    expect(describeAugmentation(augmentationFromConfig(config))).toEqual(config);
  });
});
