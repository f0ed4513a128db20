import { Rng } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { elastic } from './elastic.js';
import { gaussianKernel1d } from './ops/blur.js';
import { expectClose, expectNoLeak, ramp } from './test-utils.js';

describe('elastic', () => {
  it('displaces pixels by alpha/2 times a gaussian-smoothed U(-1, 1) field (closed-form std)', async () => {
    const [n, h, w] = [48, 64, 64];
    const alpha = 8;
    const sigma = 2;
    // A horizontal ramp whose value is the x coordinate: bilinear sampling at x + dx returns x + dx.
    const x = tf.tile(tf.reshape(tf.range(0, w, 1, 'float32'), [1, 1, w, 1]), [n, h, 1, 1]);
    const t = elastic({ alpha, sigma, fillMode: 'nearest' });
    const dx = tf.sub(t.apply(x, t.sampleParams(x.shape, new Rng(1))), x);
    const k = t.kernelSize(h, w);
    const pad = (k - 1) / 2; // away from the reflect-padded border
    const inner = tf.slice(dx, [0, pad, pad, 0], [n, h - 2 * pad, w - 2 * pad, 1]);
    const std = Math.sqrt((await tf.mean(tf.square(inner)).data())[0]!); // E[dx] = 0
    const sumSq = gaussianKernel1d(k, sigma).reduce((a, v) => a + v * v, 0);
    const expected = (alpha / 2) * Math.sqrt((1 / 3) * sumSq * sumSq);
    expect(std / expected).toBeGreaterThan(0.95); // ~2500 effectively independent samples: 1.5% sd
    expect(std / expected).toBeLessThan(1.05);
    // Smooth field: neighbouring displacements are strongly correlated.
    const a = tf.slice(inner, [0, 0, 0, 0], [n, inner.shape[1]!, inner.shape[2]! - 1, 1]);
    const b = tf.slice(inner, [0, 0, 1, 0], [n, inner.shape[1]!, inner.shape[2]! - 1, 1]);
    const corr = (await tf.mean(tf.mul(a, b)).data())[0]! / std ** 2;
    expect(corr).toBeGreaterThan(0.8);
  });

  it('uses a kernel of int(8 sigma + 1) made odd, capped by the image', () => {
    expect(elastic({ sigma: 5 }).kernelSize(100, 100)).toBe(41);
    expect(elastic({ sigma: 0.5 }).kernelSize(100, 100)).toBe(5);
    expect(elastic({ sigma: 5 }).kernelSize(8, 10)).toBe(15);
  });

  it('is the identity at alpha 0 or for images not drawn; replayable; no leaks', async () => {
    const x = ramp(3, 12, 12, 2);
    await expectClose(
      elastic({ alpha: 0 }).apply(x, { apply: [true, true, true], seeds: [1, 2, 3] }),
      x,
      0,
    );
    const t = elastic({ alpha: 30, sigma: 3 });
    const y = t.apply(x, { apply: [false, true, false], seeds: [0, 4, 0] });
    const [x0, , x2] = tf.split(x, 3);
    const [y0, y1, y2] = tf.split(y, 3);
    await expectClose(y0!, x0!, 0);
    await expectClose(y2!, x2!, 0);
    expect(Array.from(await y1!.data())).not.toEqual(Array.from(await tf.split(x, 3)[1]!.data()));
    await expectClose(t.apply(x, { apply: [false, true, false], seeds: [0, 4, 0] }), y, 0);
    expectNoLeak(() => t.apply(x, { apply: [true, true, true], seeds: [2, 3, 4] }));
  });

  it('replays an image from its own seed whatever the batch (issue 16)', async () => {
    const x = ramp(3, 16, 16, 1);
    const [a, b, c] = tf.split(x, 3) as tf.Tensor4D[];
    const t = elastic({ alpha: 30, sigma: 3 });
    const alone = t.apply(b!, { apply: [true], seeds: [77] });
    const inPair = t.apply(tf.concat([a!, b!]), { apply: [true, true], seeds: [5, 77] });
    const inTriple = t.apply(tf.concat([c!, a!, b!]), {
      apply: [false, true, true],
      seeds: [0, 9, 77],
    });
    await expectClose(tf.slice(inPair, [1, 0, 0, 0], [1, 16, 16, 1]), alone, 1e-6);
    await expectClose(tf.slice(inTriple, [2, 0, 0, 0], [1, 16, 16, 1]), alone, 1e-6);
    // Params drawn for a batch replay image by image.
    const params = t.sampleParams([3, 16, 16, 1], new Rng(3));
    const batch = t.apply(x, params);
    const second = t.apply(b!, { apply: [params.apply[1]!], seeds: [params.seeds[1]!] });
    await expectClose(tf.slice(batch, [1, 0, 0, 0], [1, 16, 16, 1]), second, 1e-6);
    expect(() => t.apply(x, { apply: [true, true, true], seed: 1 } as never)).toThrow(
      /params.seeds was drawn for no images but the batch has 3/,
    );
  });

  it('rejects bad options', () => {
    expect(() => elastic({ sigma: 0 })).toThrow('sigma must be a number > 0, got 0');
    expect(() => elastic({ alpha: -1 })).toThrow(/alpha must be a number >= 0/);
    expect(() => elastic({ fillValue: 2 })).toThrow('fillValue must be a number in [0, 1], got 2');
  });
});
