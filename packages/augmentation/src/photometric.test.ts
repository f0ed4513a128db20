import { readFileSync } from 'node:fs';
import { Rng } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { claheImages } from './ops/histogram.js';
import {
  autocontrast,
  brightness,
  colorJitter,
  contrast,
  equalize,
  gamma,
  gaussianBlur,
  gaussianNoise,
  grayscale,
  hue,
  intensityShift,
  invert,
  posterize,
  saturation,
  sharpness,
  solarize,
} from './photometric.js';
import { expectClose, expectNoLeak } from './test-utils.js';

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/photometric.json', import.meta.url), 'utf8'),
) as Record<string, number[]>;
const t4 = (values: number[], shape: [number, number, number, number]) =>
  tf.tensor4d(values, shape, 'float32');

/** Same formula as batch() in fixtures/make_photometric.py. */
function pattern(n: number, h: number, w: number, c: number, levels = 1000): tf.Tensor4D {
  return t4(
    Array.from({ length: n * h * w * c }, (_, i) => ((i * 7919) % levels) / (levels - 1)),
    [n, h, w, c],
  );
}

describe('photometric ops against numpy / colorsys references', () => {
  const rgb = t4(fixture.rgb!, [2, 4, 5, 3]);

  it('contrast and saturation blend towards the luma mean / luma (torchvision formulas)', async () => {
    await expectClose(
      contrast({ factor: 1 }).apply(rgb, { factor: [0.6, 1.7] }),
      t4(fixture.contrast!, [2, 4, 5, 3]),
    );
    await expectClose(
      saturation({ factor: 1 }).apply(rgb, { factor: [0.6, 1.7] }),
      t4(fixture.saturation!, [2, 4, 5, 3]),
    );
  });

  it('hue shifts through HSV like colorsys', async () => {
    await expectClose(
      hue({ factor: 0.5 }).apply(rgb, { factor: [0.1, -0.3] }),
      t4(fixture.hue!, [2, 4, 5, 3]),
      1e-4,
    );
  });

  it('gaussian blur uses one kernel per image with reflect padding', async () => {
    const x = t4(fixture.blurInput!, [2, 6, 7, 2]);
    await expectClose(
      gaussianBlur({ kernelSize: 5 }).apply(x, { sigma: [0.7, 1.5] }),
      t4(fixture.blur!, [2, 6, 7, 2]),
      1e-4,
    );
  });

  it('sharpness blends with the 3x3-smoothed interior', async () => {
    const x = t4(fixture.blurInput!, [2, 6, 7, 2]);
    await expectClose(
      sharpness({ factor: 1 }).apply(x, { factor: [0.3, 2] }),
      t4(fixture.sharpness!, [2, 6, 7, 2]),
      1e-4,
    );
  });

  it('equalize matches PIL per image and channel', async () => {
    const x = t4(fixture.equalizeInput!, [2, 6, 6, 2]);
    const t = equalize({ p: 1 });
    await expectClose(
      t.apply(x, t.sampleParams(x.shape, new Rng(1))),
      t4(fixture.equalize!, [2, 6, 6, 2]),
      1e-5,
    );
  });

  it('equalize maps a digit-like image (592 px at 0, 32 at 0.5, 160 at 1) as PIL does', async () => {
    // PIL by hand: levels 0, 127, 255; step = floor((784 - 160) / 255) = 2;
    // lut[127] = min(255, floor((592 + 1) / 2)) = 255, lut[255] = 255, lut[0] = 0.
    // (tfjs-backend-wasm's OneHot ignoring float32 made wasm give 0.7725 and 0.8157.)
    const values = Array.from({ length: 784 }, (_, i) => (i < 592 ? 0 : i < 624 ? 0.5 : 1));
    // Scatter the levels so the image is not sorted (a fixed permutation: 784 and 5 are coprime).
    const image = values.map((_, i) => values[(i * 5 + 3) % 784]!);
    const x = tf.tensor4d(image, [1, 28, 28, 1]);
    const t = equalize({ p: 1 });
    const y = t.apply(x, { apply: [true] });
    const out = await y.data();
    image.forEach((v, i) => {
      expect(out[i]).toBe(v === 0 ? 0 : 1);
    });
    expectNoLeak(() => t.apply(x, { apply: [true] }));
    tf.dispose([x, y]);
  });

  it('CLAHE with one tile and no clip limit is the global cdf mapping', async () => {
    const x = t4(fixture.equalizeInput!, [2, 6, 6, 2]);
    await expectClose(claheImages(x, [1, 1], 0), t4(fixture.claheGlobal!, [2, 6, 6, 2]), 1e-5);
  });
});

describe('closed forms', () => {
  const x = pattern(2, 3, 4, 1);
  it('brightness, gamma, intensity shift, invert, solarize, posterize', async () => {
    await expectClose(
      brightness({ factor: 1 }).apply(x, { factor: [0.5, 1.5] }),
      tf.clipByValue(tf.mul(x, t4([0.5, 1.5], [2, 1, 1, 1])), 0, 1),
    );
    await expectClose(
      gamma({ factor: 0.5 }).apply(x, { factor: [2, 0.5] }),
      tf.pow(x, t4([2, 0.5], [2, 1, 1, 1])),
      1e-4,
    );
    await expectClose(
      intensityShift({ factor: 0.2 }).apply(x, { factor: [0.1, -0.1] }),
      tf.clipByValue(tf.add(x, t4([0.1, -0.1], [2, 1, 1, 1])), 0, 1),
    );
    const all = { apply: [true, true] };
    await expectClose(invert().apply(x, all), tf.sub(1, x));
    const v = Array.from(await x.data());
    const sol = Array.from(await solarize({ threshold: 0.4 }).apply(x, all).data());
    sol.forEach((s, i) => {
      expect(s).toBeCloseTo(v[i]! >= 0.4 ? 1 - v[i]! : v[i]!, 6);
    });
    const post = Array.from(await posterize({ bits: 2 }).apply(x, all).data());
    post.forEach((s, i) => {
      expect(s).toBeCloseTo(Math.min(Math.floor(v[i]! * 4), 3) / 4, 6);
    });
  });

  it('grayscale uses luma weights and keeps the channel count', async () => {
    const rgb = t4([1, 0, 0, 0, 1, 0], [2, 1, 1, 3]);
    const g = grayscale({ p: 1 }).apply(rgb, { apply: [true, true] });
    expect(g.shape).toEqual([2, 1, 1, 3]);
    await expectClose(g, t4([0.2989, 0.2989, 0.2989, 0.587, 0.587, 0.587], [2, 1, 1, 3]));
  });

  it('autocontrast stretches each channel to [0, 1]', async () => {
    const y = autocontrast({ p: 1 }).apply(tf.mul(x, 0.5), { apply: [true, true] });
    expect(Math.min(...(await y.data()))).toBeCloseTo(0, 6);
    expect(Math.max(...(await y.data()))).toBeCloseTo(1, 6);
  });

  it('gaussian noise has the drawn std, is seeded, and clips to [0, 1]', async () => {
    const flat = tf.fill([2, 64, 64, 1], 0.5) as tf.Tensor4D;
    const t = gaussianNoise({ std: 0.1 });
    const params = t.sampleParams(flat.shape, new Rng(3));
    const y = t.apply(flat, params);
    const { variance } = tf.moments(tf.sub(y, 0.5));
    expect(Math.sqrt((await variance.data())[0]!)).toBeCloseTo(0.1, 2);
    await expectClose(t.apply(flat, params), y, 0);
    const big = gaussianNoise({ std: 3 });
    const z = await big.apply(flat, big.sampleParams(flat.shape, new Rng(1))).data();
    expect(Math.min(...z)).toBe(0);
    expect(Math.max(...z)).toBe(1);
  });
});

describe('identity and probability', () => {
  const x = pattern(3, 5, 5, 3);
  const neutral = [
    brightness({ factor: 0 }),
    contrast({ factor: 0 }),
    saturation({ factor: 0 }),
    hue({ factor: 0 }),
    gamma({ factor: 0 }),
    sharpness({ factor: 0, p: 1 }),
    intensityShift({ factor: 0 }),
    colorJitter({}),
    gaussianNoise({ std: 0 }),
    gaussianBlur({ kernelSize: 3, p: 0 }),
    equalize({ p: 0 }),
  ];
  it('zero-strength ops are the exact identity', async () => {
    for (const t of neutral)
      await expectClose(t.apply(x, t.sampleParams(x.shape, new Rng(1)) as never), x, 0);
  });

  it('images not drawn (p) are untouched, drawn ones change', async () => {
    const t = colorJitter({ brightness: 0.5, contrast: 0.5, saturation: 0.5, hue: 0.2, p: 0.5 });
    const params = t.sampleParams([400, 5, 5, 3], new Rng(2));
    const changed = params.brightness.filter((b, i) => b !== 1 || params.hue[i] !== 0).length;
    expect(changed).toBeGreaterThan(170);
    expect(changed).toBeLessThan(230);
    const small = {
      brightness: [1, 1.3, 1],
      contrast: [1, 0.8, 1],
      saturation: [1, 1.2, 1],
      hue: [0, 0.1, 0.05],
    };
    const y = tf.split(t.apply(x, small), 3);
    const parts = tf.split(x, 3);
    await expectClose(y[0]!, parts[0]!, 0);
    expect(Array.from(await y[1]!.data())).not.toEqual(Array.from(await parts[1]!.data()));
  });

  it('factor draws are uniform over the documented range', () => {
    const t = brightness({ factor: 0.2 });
    const { factor } = t.sampleParams([10000, 1, 1, 1], new Rng(4));
    const mean = factor.reduce((a, b) => a + b, 0) / factor.length;
    expect(Math.min(...factor)).toBeGreaterThanOrEqual(0.8);
    expect(Math.max(...factor)).toBeLessThanOrEqual(1.2);
    expect(Math.abs(mean - 1)).toBeLessThan(0.004); // sd of the mean: 0.4 / sqrt(12 * 10000) = 0.0012
  });

  it('leaks nothing', () => {
    for (const t of [
      colorJitter({ brightness: 0.3, hue: 0.1 }),
      gaussianBlur({ kernelSize: 3 }),
      equalize({ p: 0.5 }),
      sharpness({ factor: 1 }),
    ]) {
      expectNoLeak(() => t.apply(x, t.sampleParams(x.shape, new Rng(1)) as never));
    }
  });

  it('rejects bad options', () => {
    expect(() => brightness({ factor: -1 })).toThrow('factor must be a number >= 0, got -1');
    expect(() => hue({ factor: 0.7 })).toThrow(/within \[-0.5, 0.5\]/);
    expect(() => gaussianBlur({ kernelSize: 4 })).toThrow(
      'kernelSize must be an odd positive integer, got 4',
    );
    expect(() => posterize({ bits: 9 })).toThrow(/bits must be an integer in \[0, 8\]/);
    expect(() => gamma({ factor: 1 })).toThrow(/gamma range above 0/);
    expect(() => brightness({} as never)).toThrow(/brightness.factor must be given/);
    expect(() => gaussianBlur({ kernelSize: 13 }).sampleParams([1, 5, 5, 1], new Rng(1))).toThrow(
      /kernelSize must be smaller/,
    );
  });
});
