import { Rng } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { channelDropout, coarseDropout, gridDropout, randomErasing } from './erasing.js';
import { expectClose, expectNoLeak, ramp } from './test-utils.js';

describe('randomErasing', () => {
  it('fills exactly the drawn box with the fill value', async () => {
    const x = ramp(2, 5, 6, 1);
    const t = randomErasing({ fillValue: 0.5 });
    const y = t.apply(x, {
      top: [[1], []],
      left: [[2], []],
      height: [[2], []],
      width: [[3], []],
      seed: 1,
    });
    const v = Array.from(await x.data());
    const expected = v.map((val, i) => {
      const [n, r, c] = [Math.floor(i / 30), Math.floor((i % 30) / 6), i % 6];
      return n === 0 && r >= 1 && r < 3 && c >= 2 && c < 5 ? 0.5 : val;
    });
    expect(Array.from(await y.data())).toEqual(expected.map((e) => Math.fround(e)));
  });

  it('draws boxes inside the image with area in scale, on about p of the images', () => {
    const t = randomErasing({ p: 0.5, scale: [0.1, 0.2], ratio: [0.5, 2] });
    const params = t.sampleParams([2000, 32, 32, 1], new Rng(3));
    const erased = params.height.filter((h) => h.length > 0).length / 2000;
    expect(erased).toBeGreaterThan(0.46);
    expect(erased).toBeLessThan(0.54);
    params.height.forEach((h, i) => {
      if (!h.length) return;
      const area = (h[0]! * params.width[i]![0]!) / 1024;
      expect(area).toBeGreaterThan(0.07);
      expect(area).toBeLessThan(0.24);
      expect(params.top[i]![0]! + h[0]!).toBeLessThanOrEqual(32);
    });
  });

  it("fills with seeded uniform noise for 'random' and leaks nothing", async () => {
    const x = tf.zeros([2, 8, 8, 1]) as tf.Tensor4D;
    const t = randomErasing({ p: 1, fillValue: 'random' });
    const params = t.sampleParams(x.shape, new Rng(2));
    const a = await t.apply(x, params).data();
    expect(Array.from(a)).toEqual(Array.from(await t.apply(x, params).data()));
    expect(Math.max(...a)).toBeGreaterThan(0);
    expectNoLeak(() => t.apply(x, params));
  });

  it('rejects bad options', () => {
    expect(() => randomErasing({ p: 2 })).toThrow('p must be a number in [0, 1], got 2');
    expect(() => randomErasing({ fillValue: 'noise' as never })).toThrow(
      /fillValue must be a number/,
    );
  });
});

describe('coarse / grid / channel dropout', () => {
  it('coarseDropout zeroes the union of its holes', async () => {
    const x = tf.ones([1, 4, 4, 1]);
    const y = coarseDropout().apply(x, {
      top: [[0, 2]],
      left: [[0, 3]],
      height: [[1, 5]],
      width: [[2, 5]],
      seed: 0,
    });
    expect(Array.from(await y.data())).toEqual([0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 0]);
    const drawn = coarseDropout({ holes: [2, 3], p: 1 }).sampleParams([100, 10, 10, 1], new Rng(1));
    expect(drawn.top.every((h) => h.length >= 2 && h.length <= 3)).toBe(true);
  });

  it('gridDropout drops ratio·d of every d-period on both axes', async () => {
    const x = tf.ones([1, 4, 4, 1]);
    const y = gridDropout({ ratio: 0.5 }).apply(x, { unit: [2], offsetY: [0], offsetX: [1] });
    // rows 0, 2 dropped-eligible; columns with (x + 1) mod 2 < 1: x = 1, 3
    expect(Array.from(await y.data())).toEqual([1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 1, 0, 1, 1, 1, 1]);
    const drop =
      1 -
      (
        await tf
          .mean(
            gridDropout({ ratio: 0.5, p: 1 }).apply(tf.ones([1, 40, 40, 1]), {
              unit: [4],
              offsetY: [1],
              offsetX: [3],
            }),
          )
          .data()
      )[0]!;
    expect(drop).toBeCloseTo(0.25, 6);
  });

  it('channelDropout drops whole channels, never all', async () => {
    const x = tf.ones([2, 2, 2, 3]);
    const t = channelDropout({ channels: [1, 2], p: 1 });
    const y = t.apply(x, { dropped: [[0, 2], []] });
    expect(Array.from(await tf.sum(y, [1, 2]).data())).toEqual([0, 4, 0, 4, 4, 4]);
    for (const d of t.sampleParams([200, 2, 2, 3], new Rng(1)).dropped) {
      expect(d.length).toBeGreaterThanOrEqual(1);
      expect(d.length).toBeLessThanOrEqual(2);
    }
    expect(() => t.sampleParams([1, 2, 2, 1], new Rng(1))).toThrow(/at most C - 1 = 0/);
  });

  it('is the identity at p = 0', async () => {
    const x = ramp(3, 6, 6, 2);
    for (const t of [
      randomErasing({ p: 0 }),
      coarseDropout({ p: 0 }),
      gridDropout({ p: 0 }),
      channelDropout({ p: 0 }),
    ]) {
      await expectClose(t.apply(x, t.sampleParams(x.shape, new Rng(1)) as never), x, 0);
    }
  });
});
