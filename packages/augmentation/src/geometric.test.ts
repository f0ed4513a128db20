import { Rng } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  affine,
  CenterCrop,
  centerCrop,
  horizontalFlip,
  perspective,
  randomCrop,
  randomResizedCrop,
  rotate,
  scale,
  shear,
  translate,
  verticalFlip,
} from './geometric.js';
import { homography } from './ops/matrix.js';
import { expectClose, expectNoLeak, ramp } from './test-utils.js';

describe('flips', () => {
  it('are exact mirrors when drawn', async () => {
    const x = ramp(3, 4, 5, 2);
    const h = horizontalFlip({ p: 1 });
    await expectClose(h.apply(x, h.sampleParams(x.shape, new Rng(1))), tf.reverse(x, 2), 0);
    const v = verticalFlip({ p: 1 });
    await expectClose(v.apply(x, v.sampleParams(x.shape, new Rng(1))), tf.reverse(x, 1), 0);
  });

  it('flips each image independently with probability p', async () => {
    const x = ramp(4, 3, 3, 1);
    const t = horizontalFlip();
    const params = { flip: [true, false, false, true] };
    const y = t.apply(x, params);
    const parts = tf.split(x, 4);
    const expected = tf.concat([
      tf.reverse(parts[0]!, 2),
      parts[1]!,
      parts[2]!,
      tf.reverse(parts[3]!, 2),
    ]);
    await expectClose(y, expected, 0);
    const draws = t.sampleParams([4000, 2, 2, 1], new Rng(5)).flip;
    const rate = draws.filter(Boolean).length / 4000;
    expect(rate).toBeGreaterThan(0.47);
    expect(rate).toBeLessThan(0.53);
  });
});

describe('affine family', () => {
  it('rotates by a quarter turn pixel-exactly (counter-clockwise)', async () => {
    const x = ramp(2, 5, 5, 3);
    const t = rotate({ degrees: [90, 90] });
    const y = t.apply(x, t.sampleParams(x.shape, new Rng(1)));
    // out[y][x] = in[x][W-1-y]
    await expectClose(y, tf.transpose(tf.reverse(x, 2), [0, 2, 1, 3]), 1e-6);
  });

  it('is the identity at zero strength', async () => {
    const x = ramp(2, 6, 7, 1);
    for (const t of [
      affine({}),
      rotate({ degrees: 0 }),
      translate({ translate: 0 }),
      scale({ scale: 0 }),
      shear({ shear: 0 }),
      perspective({ distortion: 0, p: 1 }),
    ]) {
      await expectClose(t.apply(x, t.sampleParams(x.shape, new Rng(3)) as never), x, 1e-6);
    }
  });

  it('translates by whole pixels with constant fill', async () => {
    const x = ramp(1, 4, 4, 1);
    const t = translate({ translate: 0.5 });
    const y = t.apply(x, { angle: [0], tx: [1], ty: [-2], scale: [1], shearX: [0], shearY: [0] });
    // out(x, y) = in(x - 1, y + 2)
    const expected = tf.pad(tf.slice(x, [0, 2, 0, 0], [1, 2, 3, 1]), [
      [0, 0],
      [0, 2],
      [1, 0],
      [0, 0],
    ]);
    await expectClose(y, expected, 1e-6);
  });

  it('draws a different angle per image, uniform over the range', () => {
    const t = rotate({ degrees: 15 });
    const { angle } = t.sampleParams([20000, 8, 8, 1], new Rng(7));
    const mean = angle.reduce((a, b) => a + b, 0) / angle.length;
    const variance = angle.reduce((a, b) => a + (b - mean) ** 2, 0) / angle.length;
    expect(Math.min(...angle)).toBeGreaterThanOrEqual(-15);
    expect(Math.max(...angle)).toBeLessThanOrEqual(15);
    expect(Math.abs(mean)).toBeLessThan(0.2); // sd of the mean = sqrt(75 / 20000) = 0.061
    expect(variance).toBeGreaterThan(73); // 15^2 / 3 = 75
    expect(variance).toBeLessThan(77);
    expect(new Set(angle.slice(0, 10)).size).toBe(10);
  });

  it('replays: same seed, same output; other seed, other output', async () => {
    const x = ramp(4, 8, 8, 1);
    const t = affine({ degrees: 20, translate: 0.1, scale: 0.1, shear: 5 });
    const a = t.apply(x, t.sampleParams(x.shape, new Rng(9)));
    const b = t.apply(x, t.sampleParams(x.shape, new Rng(9)));
    const c = t.apply(x, t.sampleParams(x.shape, new Rng(10)));
    await expectClose(a, b, 0);
    expect(Array.from(await a.data())).not.toEqual(Array.from(await c.data()));
    const params = JSON.parse(JSON.stringify(t.sampleParams(x.shape, new Rng(9))));
    await expectClose(t.apply(x, params), a, 0);
  });

  it('leaves images with p = 0 untouched and leaks nothing', async () => {
    const x = ramp(3, 6, 6, 2);
    const t = affine({ degrees: 30, p: 0 });
    await expectClose(t.apply(x, t.sampleParams(x.shape, new Rng(1))), x, 1e-6);
    const r = rotate({ degrees: 30 });
    expectNoLeak(() => r.apply(x, r.sampleParams(x.shape, new Rng(2))));
  });

  it('rejects bad options before any work', () => {
    expect(() => rotate({ degrees: -3 })).toThrow('degrees must be a number >= 0, got -3');
    expect(() => rotate({ degrees: [10, 5] })).toThrow(/min <= max/);
    expect(() => affine({ translate: 2 })).toThrow('translate must be a number in [0, 1], got 2');
    expect(() => affine({ fillMode: 'mirror' as never })).toThrow(
      /fillMode must be one of 'constant', 'reflect', 'wrap', 'nearest'/,
    );
    expect(() => rotate({ degrees: 5, angle: 3 } as never)).toThrow(/'angle' is not an option/);
    // Fill values live in the image range [0, 1], as for erasing (issue 16).
    expect(() => rotate({ degrees: 5, fillValue: 2 })).toThrow(
      'fillValue must be a number in [0, 1], got 2',
    );
    expect(() => perspective({ fillValue: -0.5 })).toThrow(
      /fillValue must be a number in \[0, 1\]/,
    );
    expect(() => centerCrop({ size: 4, fillValue: 1.5 })).toThrow(/fillValue .* got 1.5/);
    expect(() => rotate({} as never)).toThrow(/rotate.degrees must be given/);
    const t = rotate({ degrees: 5 });
    expect(() => t.apply(ramp(2, 3, 3, 1), t.sampleParams([3, 3, 3, 1], new Rng(1)))).toThrow(
      /drawn for 3 images but the batch has 2/,
    );
    expect(() => t.apply(tf.zeros([3, 3, 1]), { angle: [0] } as never)).toThrow(/rank-4 NHWC/);
  });
});

describe('two-axis shear (issue 16)', () => {
  const det = (m: number[]) =>
    m[0]! * (m[4]! * m[8]! - m[5]! * m[7]!) -
    m[1]! * (m[3]! * m[8]! - m[5]! * m[6]!) +
    m[2]! * (m[3]! * m[7]! - m[4]! * m[6]!);
  const shearParams = (sx: number, sy: number) => ({
    angle: [0],
    tx: [0],
    ty: [0],
    scale: [1],
    shearX: [sx],
    shearY: [sy],
  });

  it('composes an x-shear and a y-shear: determinant 1 for any pair, (45, 45) not singular', () => {
    const t = affine({
      shear: [
        [-89, 89],
        [-89, 89],
      ],
    });
    for (const [sx, sy] of [
      [30, 30],
      [45, 45],
      [50, 50],
      [60, 30],
      [-70, 20],
      [89, -89],
    ] as const) {
      const [inverse] = t.inverseMatrices(shearParams(sx, sy), [1, 28, 28, 1]);
      expect(det(inverse!)).toBeCloseTo(1, 9);
    }
    // Closed form: x' = x + tan(sx) y, then y' = y + tan(sy) x'.
    const [inv] = t.inverseMatrices(shearParams(30, 30), [1, 1, 1, 1]); // centre (0, 0)
    const a = Math.tan(Math.PI / 6);
    const forward = [1, a, 0, a, 1 + a * a, 0, 0, 0, 1];
    const product = [0, 1, 2].flatMap((r) =>
      [0, 1, 2].map((c) =>
        [0, 1, 2].reduce((acc, k) => acc + inv![r * 3 + k]! * forward[k * 3 + c]!, 0),
      ),
    );
    product.forEach((v, i) => {
      expect(v).toBeCloseTo([1, 0, 0, 0, 1, 0, 0, 0, 1][i]!, 12);
    });
  });

  it('keeps the area of a square at shear (30, 30)', async () => {
    // An 8x8 white square in the middle of a black 28x28 image: bilinear resampling under
    // an area-preserving map keeps the total intensity (64) up to interpolation error; the
    // old one-matrix shear scaled it by 1 - tan^2(30 deg) = 2/3.
    const x = tf.tidy(() =>
      tf.pad(tf.ones([1, 8, 8, 1]), [
        [0, 0],
        [10, 10],
        [10, 10],
        [0, 0],
      ]),
    );
    const t = affine({
      shear: [
        [-45, 45],
        [-45, 45],
      ],
    });
    for (const [sx, sy] of [
      [30, 30],
      [45, 45],
    ] as const) {
      const y = t.apply(x, shearParams(sx, sy));
      const total = (await tf.sum(y).data())[0]!;
      expect(Math.abs(total - 64) / 64).toBeLessThan(0.02);
      y.dispose();
    }
    x.dispose();
  });

  it('never mirrors a random draw, even with wide shear ranges', () => {
    const t = affine({
      shear: [
        [-60, 60],
        [-60, 60],
      ],
    });
    const params = t.sampleParams([2000, 28, 28, 1], new Rng(16));
    for (const m of t.inverseMatrices(params, [2000, 28, 28, 1])) expect(det(m)).toBeCloseTo(1, 9);
  });
});

describe('perspective', () => {
  it('solves the homography through 4 points', () => {
    const from: [number, number][] = [
      [0, 0],
      [9, 0],
      [9, 9],
      [0, 9],
    ];
    const to: [number, number][] = [
      [1, 2],
      [8, 0],
      [9, 7],
      [0, 9],
    ];
    const m = homography(from, to);
    for (let k = 0; k < 4; k++) {
      const [x, y] = from[k]!;
      const z = m[6]! * x + m[7]! * y + m[8]!;
      expect((m[0]! * x + m[1]! * y + m[2]!) / z).toBeCloseTo(to[k]![0], 9);
      expect((m[3]! * x + m[4]! * y + m[5]!) / z).toBeCloseTo(to[k]![1], 9);
    }
  });

  it('moves each corner inwards by at most distortion * size / 2', () => {
    const t = perspective({ distortion: 0.4, p: 1 });
    const { corners } = t.sampleParams([200, 10, 20, 1], new Rng(2));
    for (const c of corners) {
      expect(c[0]).toBeGreaterThanOrEqual(0);
      expect(c[0]).toBeLessThanOrEqual(4);
      expect(c[1]).toBeLessThanOrEqual(2);
      expect(c[2]).toBeGreaterThanOrEqual(19 - 4);
    }
  });
});

describe('crops', () => {
  it('randomCrop equals a slice at the drawn offset, and pads with the fill value', async () => {
    const x = ramp(2, 6, 6, 1);
    const t = randomCrop({ size: [3, 4], padding: 1, fillValue: 1 });
    const y = t.apply(x, { top: [2, -1], left: [1, 0] });
    expect(y.shape).toEqual([2, 3, 4, 1]);
    const [a, b] = tf.split(x, 2);
    const second = tf.pad(
      tf.slice(b!, [0, 0, 0, 0], [1, 2, 4, 1]),
      [
        [0, 0],
        [1, 0],
        [0, 0],
        [0, 0],
      ],
      1,
    );
    await expectClose(y, tf.concat([tf.slice(a!, [0, 2, 1, 0], [1, 3, 4, 1]), second]), 0);
    const drawn = t.sampleParams([500, 6, 6, 1], new Rng(1));
    expect(Math.min(...drawn.top)).toBe(-1);
    expect(Math.max(...drawn.top)).toBe(4);
    expect(() => t.sampleParams([1, 1, 1, 1], new Rng(1))).toThrow(
      /size must be at most the padded image size/,
    );
  });

  it('an enlarging randomResizedCrop samples only inside its box (issue 16)', async () => {
    // A white 28x28 image with a black 8x8 box at (10, 6): resizing the box to 16x16 must
    // stay black (torchvision gives max 0; the projective warp gave 0.44 at the edges).
    const x = tf.tidy(() =>
      tf.sub(
        1,
        tf.pad(tf.ones([1, 8, 8, 1]), [
          [0, 0],
          [10, 10],
          [6, 14],
          [0, 0],
        ]),
      ),
    );
    const t = randomResizedCrop({ size: 16 });
    const box = { top: [10], left: [6], height: [8], width: [8] };
    const y = t.apply(x, box);
    expect(y.shape).toEqual([1, 16, 16, 1]);
    expect((await tf.max(y).data())[0]).toBe(0);
    expectNoLeak(() => t.apply(x, box));
    // Closed form along one axis, 2 pixels [a, b] -> 4: src = (j + 0.5) / 2 - 0.5 clamped to
    // [0, 1]: a, 0.75a + 0.25b, 0.25a + 0.75b, b.
    const row = tf.tensor4d([0.2, 0.6, 0.9], [1, 1, 3, 1]);
    const wide = randomResizedCrop({ size: [1, 4] }).apply(row, {
      top: [0],
      left: [1],
      height: [1],
      width: [2],
    });
    await expectClose(wide, tf.tensor4d([0.6, 0.675, 0.825, 0.9], [1, 1, 4, 1]), 1e-6);
    expect(() => t.apply(x, { top: [24], left: [0], height: [8], width: [8] })).toThrow(
      /params box 0 .* inside the 28x28 image/,
    );
    tf.dispose([x, y, row, wide]);
  });

  it('centerCrop matches torchvision offsets and pads when larger', async () => {
    const x = ramp(1, 7, 6, 1);
    const t = centerCrop({ size: [4, 3] });
    // torchvision: top = round(3 / 2) = 2 (half to even), left = round(1.5) = 2
    await expectClose(
      t.apply(x, t.sampleParams(x.shape, new Rng(0))),
      tf.slice(x, [0, 2, 2, 0], [1, 4, 3, 1]),
      0,
    );
    const big = new CenterCrop({ size: 8 });
    const y = big.apply(x, {});
    expect(y.shape).toEqual([1, 8, 8, 1]);
    await expectClose(tf.slice(y, [0, 0, 1, 0], [1, 7, 6, 1]), x, 0);
  });

  it('randomResizedCrop is the identity for the full box and halves by averaging pairs', async () => {
    const x = ramp(2, 4, 4, 1);
    const t = randomResizedCrop({ size: 4, scale: [1, 1], ratio: [1, 1] });
    const params = t.sampleParams(x.shape, new Rng(1));
    expect(params).toEqual({ top: [0, 0], left: [0, 0], height: [4, 4], width: [4, 4] });
    await expectClose(t.apply(x, params), x, 1e-6);
    const half = randomResizedCrop({ size: 2 });
    // scale 2 with half-pixel centres samples at 0.5 and 2.5: the mean of each 2x2 block.
    await expectClose(half.apply(x, params), tf.avgPool(x, 2, 2, 'valid'), 1e-5);
  });

  it('draws boxes with area and aspect ratio in range', () => {
    const t = randomResizedCrop({ size: 8, scale: [0.25, 0.5], ratio: [0.5, 2] });
    const p = t.sampleParams([300, 64, 64, 1], new Rng(4));
    for (let i = 0; i < 300; i++) {
      const area = (p.height[i]! * p.width[i]!) / 4096;
      expect(area).toBeGreaterThan(0.2);
      expect(area).toBeLessThan(0.56);
      expect(p.top[i]! + p.height[i]!).toBeLessThanOrEqual(64);
    }
  });
});
