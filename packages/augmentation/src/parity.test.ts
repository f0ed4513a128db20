import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { testBackend } from '../../../test/backend.js';
import type { Augmentation } from './augmentation.js';
import * as augmentations from './index.js';
import { sampleAt } from './ops/warp.js';

/**
 * torchvision 0.14 / OpenCV parity: every deterministic transform with fixed parameters on
 * 28x28x1 and 16x16x3 inputs, against outputs recorded by fixtures/make_torchvision.py.
 * Where our convention differs from torchvision's, the case names the documented mapping
 * (README "Differences from torchvision") and the comparison applies it.
 */
interface ParityCase {
  name: string;
  input: string;
  factory: string;
  options: Record<string, unknown>;
  params: Record<string, unknown>;
  shape: number[];
  expected: string;
  mapping?: 'negateAngles' | 'maskBlend' | 'posterizeUint8';
}
interface Fixture {
  generator: string;
  inputs: Record<string, { shape: number[]; data: string }>;
  cases: ParityCase[];
}

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/torchvision.json', import.meta.url), 'utf8'),
) as Fixture;

function float32(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

/** Absolute tolerance (images are in [0, 1]) on every backend: float32 rounding only. */
const TOLERANCE = 1e-5;
const worst: [string, number][] = [];

function build(c: ParityCase): Augmentation {
  const factory = (augmentations as unknown as Record<string, (o: unknown) => Augmentation>)[
    c.factory
  ];
  if (!factory) throw new Error(`no factory ${c.factory}`);
  return factory(c.options);
}

function input(name: string): tf.Tensor4D {
  const { shape, data } = fixture.inputs[name]!;
  return tf.tensor4d(float32(data), [1, ...shape] as [number, number, number, number]);
}

/** Our output, mapped into torchvision's convention where the case says so. */
function oursInTorchvisionTerms(c: ParityCase, x: tf.Tensor4D): tf.Tensor {
  if (c.factory === 'sampleAt') {
    // Elastic's resampler with a given displacement field (pixels).
    const [, h, w] = x.shape;
    const field = (key: string) => tf.tensor3d(float32(String(c.params[key])), [1, h, w]);
    const xs = tf.add(tf.reshape(tf.range(0, w, 1, 'float32'), [1, 1, w]), field('dx'));
    const ys = tf.add(tf.reshape(tf.range(0, h, 1, 'float32'), [1, h, 1]), field('dy'));
    return sampleAt(x, xs, ys, { interpolation: 'bilinear', fillMode: 'constant', fillValue: 0 });
  }
  const t = build(c);
  const out = t.apply(x, c.params);
  if (c.mapping === 'posterizeUint8') return tf.mul(out, 256 / 255);
  if (c.mapping === 'maskBlend') {
    // torchvision: m·S + (1 - m)·v; ours: S + (1 - m)·v, where m = warp of an all-ones image
    // with fill 0 (the in-image weight of each output pixel) and S the sampled image.
    const fill = Number(c.options.fillValue ?? 0);
    const m = build({ ...c, options: { ...c.options, fillValue: 0 } }).apply(
      tf.onesLike(x),
      c.params,
    );
    const missing = tf.mul(tf.sub(1, m), fill);
    return tf.add(tf.mul(m, tf.sub(out, missing)), missing);
  }
  return out;
}

describe(`torchvision parity (${fixture.generator})`, () => {
  it('covers every deterministic transform on gray 28x28 and RGB 16x16 inputs (and odd, non-square ones)', () => {
    const factories = new Set(fixture.cases.map((c) => c.factory));
    for (const name of [
      'rotate',
      'affine',
      'horizontalFlip',
      'verticalFlip',
      'perspective',
      'centerCrop',
      'randomCrop',
      'randomResizedCrop',
      'brightness',
      'contrast',
      'saturation',
      'hue',
      'gamma',
      'sharpness',
      'grayscale',
      'invert',
      'solarize',
      'autocontrast',
      'equalize',
      'posterize',
      'gaussianBlur',
      'colorJitter',
      'randomErasing',
      'clahe',
    ])
      expect(factories.has(name), name).toBe(true);
    const shapes = new Set(Object.values(fixture.inputs).map((i) => i.shape.join('x')));
    expect([...shapes].sort()).toEqual(['12x19x3', '15x9x1', '16x16x3', '28x28x1']);
  });

  for (const c of fixture.cases) {
    it(c.name, async () => {
      const x = input(c.input);
      const before = tf.memory().numTensors;
      const ours = tf.tidy(() => oursInTorchvisionTerms(c, x));
      expect(ours.shape).toEqual([1, ...c.shape]);
      const got = await ours.data();
      ours.dispose();
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
      const want = float32(c.expected);
      let maxErr = 0;
      let at = 0;
      for (let i = 0; i < want.length; i++) {
        const err = Math.abs(got[i]! - want[i]!);
        if (err > maxErr) [maxErr, at] = [err, i];
      }
      worst.push([c.name, maxErr]);
      expect(
        maxErr,
        `max |ours - torchvision| = ${maxErr} at ${at}: ${got[at]} vs ${want[at]}`,
      ).toBeLessThanOrEqual(TOLERANCE);
    });
  }

  afterAll(() => {
    const [name, max] = worst.reduce((a, b) => (b[1] > a[1] ? b : a), ['', 0]);
    console.info(
      `torchvision parity on ${testBackend}: ${worst.length} cases, max abs error ${max.toExponential(2)} (${name})`,
    );
  });
});
