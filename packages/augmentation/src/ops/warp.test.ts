import { Rng } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, expectNoLeak, ramp } from '../test-utils.js';
import { about, chain, invert, rotation, scaling, shearing, translation } from './matrix.js';
import {
  type FillMode,
  hasNearestTies,
  type Interpolation,
  sampleAt,
  warpProjective,
} from './warp.js';

function randomMatrices(n: number, h: number, w: number, rng: Rng) {
  return Array.from({ length: n }, () =>
    invert(
      chain(
        translation(rng.uniform(-2, 2), rng.uniform(-2, 2)),
        about(
          chain(
            rotation(rng.uniform(-40, 40)),
            scaling(rng.uniform(0.7, 1.3), 1),
            shearing(rng.uniform(-10, 10), 0),
          ),
          (w - 1) / 2,
          (h - 1) / 2,
        ),
      ),
    ),
  );
}

describe('warpProjective', () => {
  // The reference is tfjs's own Transform kernel, called one image at a time (the cpu kernel is
  // only right for batches of one); the ops-only sampler must agree with it on every backend.
  const cases: [Interpolation, FillMode][] = [
    ['bilinear', 'constant'],
    ['nearest', 'constant'],
    ['bilinear', 'nearest'],
    ['nearest', 'nearest'],
  ];
  for (const [interpolation, fillMode] of cases) {
    it(`gather sampler equals the Transform kernel (${interpolation}, ${fillMode})`, async () => {
      const x = ramp(3, 7, 9, 2);
      const mats = randomMatrices(3, 7, 9, new Rng(11));
      const options = { interpolation, fillMode, fillValue: 0.25 };
      const viaGather = warpProjective(x, mats, options, 'gather');
      const perImage = tf.concat(
        tf
          .split(x, 3)
          .map((img, i) => warpProjective(img as tf.Tensor4D, [mats[i]!], options, 'kernel')),
      );
      await expectClose(viaGather, perImage, 1e-4);
    });
  }

  it('the default batched path (one kernel call, or one per image on cpu) equals the sampler', async () => {
    const x = ramp(5, 6, 8, 3);
    const mats = randomMatrices(5, 6, 8, new Rng(4));
    const options = {
      interpolation: 'bilinear' as const,
      fillMode: 'constant' as const,
      fillValue: 0.5,
      outputSize: [5, 7] as [number, number],
    };
    await expectClose(
      warpProjective(x, mats, options),
      warpProjective(x, mats, options, 'gather'),
      1e-4,
    );
  });

  it('reflect and wrap fill the outside with mirrored / tiled pixels', async () => {
    const x = ramp(1, 1, 4, 1); // values a b c d
    const shift = [invert(translation(2, 0))]; // out(x) = in(x - 2)
    const reflect = await warpProjective(
      x,
      shift,
      { interpolation: 'nearest', fillMode: 'reflect', fillValue: 0 },
      'gather',
    ).data();
    const wrap = await warpProjective(
      x,
      shift,
      { interpolation: 'nearest', fillMode: 'wrap', fillValue: 0 },
      'gather',
    ).data();
    const v = await x.data();
    expect(Array.from(reflect)).toEqual([v[1], v[0], v[0], v[1]]);
    expect(Array.from(wrap)).toEqual([v[2], v[3], v[0], v[1]]);
  });

  it('reflects correctly on the default path of every backend (wasm 4.22 kernel does not)', async () => {
    const x = tf.tensor4d([0, 1, 2, 3, 4, 5], [1, 1, 6, 1]);
    const shift = [invert(translation(4, 0))]; // out(x) = in(x - 4)
    const options = {
      interpolation: 'nearest',
      fillMode: 'reflect',
      fillValue: 0,
      outputSize: [1, 14],
    } as const;
    // TensorFlow's reflect: [dcba|abcd|dcba].
    const expected = [3, 2, 1, 0, 0, 1, 2, 3, 4, 5, 5, 4, 3, 2];
    expect(Array.from(await warpProjective(x, shift, options).data())).toEqual(expected);
    expect(Array.from(await warpProjective(x, shift, options, 'gather').data())).toEqual(expected);
    x.dispose();
  });

  it('breaks nearest-neighbour ties to the even pixel on every path (torchvision grid_sample)', async () => {
    const x = tf.tensor4d([0, 1, 2, 3, 4, 5, 6, 7], [1, 1, 8, 1]);
    const half = [invert(translation(0.5, 0))]; // out(x) = in(x - 0.5): every pixel a tie
    expect(hasNearestTies(half, [1, 8])).toBe(true);
    expect(hasNearestTies(randomMatrices(3, 7, 9, new Rng(11)), [7, 9])).toBe(false);
    const options = { interpolation: 'nearest', fillMode: 'constant', fillValue: 0 } as const;
    // torch: F.affine(x, translate=[0.5, 0], interpolation=NEAREST) on this row.
    const expected = [0, 0, 2, 2, 4, 4, 6, 6];
    expect(Array.from(await warpProjective(x, half, options).data())).toEqual(expected);
    expect(Array.from(await warpProjective(x, half, options, 'gather').data())).toEqual(expected);
    expectNoLeak(() => warpProjective(x, half, options));
    x.dispose();
  });

  it('supports a different output size and leaks nothing', () => {
    const x = ramp(2, 5, 5, 1);
    const mats = randomMatrices(2, 5, 5, new Rng(1));
    expect(
      warpProjective(x, mats, {
        interpolation: 'bilinear',
        fillMode: 'constant',
        fillValue: 0,
        outputSize: [3, 4],
      }).shape,
    ).toEqual([2, 3, 4, 1]);
    expectNoLeak(() =>
      warpProjective(x, mats, { interpolation: 'bilinear', fillMode: 'constant', fillValue: 0 }),
    );
    const [zx, oy] = [tf.zeros([2, 5, 5]), tf.ones([2, 5, 5])];
    expectNoLeak(() =>
      sampleAt(x, zx, oy, { interpolation: 'bilinear', fillMode: 'constant', fillValue: 0 }),
    );
  });
});
