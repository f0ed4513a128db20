// Regression lock for issue 12: reading the op space from the registry keeps RandAugment's and
// TrivialAugment's draws and outputs exactly as they were with the hard-coded list (values
// recorded from the code before the change, commit d2b0edf's policies.ts). The sums moved
// once since, by design: equalize returns level / 255 on a channel it cannot equalize (the
// 8x8 ramps here have too few pixels), torchvision v2's float rule; that raised image 3's
// sum by 0.092 (trivial: equalize alone, = sum(floor(x·255.999)/255 - x)) and 0.089 (rand:
// equalize, then a shear that moves part of the image out).
import { Rng } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { randAugment, trivialAugment } from './index.js';
import { ramp } from './test-utils.js';

function fingerprint(
  t: ReturnType<typeof randAugment> | ReturnType<typeof trivialAugment>,
  seed: number,
) {
  const x = ramp(6, 8, 8, 3);
  const params = t.sampleParams(x.shape, new Rng(seed));
  const y = t.apply(x, params);
  const data = Array.from(y.dataSync());
  tf.dispose([x, y]);
  const ops = params.ops.map((o) => o.map((p) => `${p.op}:${p.magnitude.toFixed(4)}`).join('+'));
  const sum = data.reduce((s, v) => s + v, 0);
  const weighted = data.reduce((s, v, i) => s + v * ((i % 97) + 1), 0);
  return { ops, sum: Number(sum.toFixed(3)), weighted: Number(weighted.toFixed(2)) };
}

const BEFORE = {
  rand: {
    ops: [
      'sharpness:-0.2700+translateY:1.0876',
      'shearY:-0.0900+brightness:0.2700',
      'color:-0.2700+identity:0.0000',
      'equalize:0.0000+shearY:0.0900',
      'sharpness:0.2700+autocontrast:0.0000',
      'rotate:9.0000+autocontrast:0.0000',
    ],
    sum: 520.99,
    weighted: 26016.43,
  },
  trivial: {
    ops: [
      'translateY:-22.4000',
      'autocontrast:0.0000',
      'translateX:-23.4667',
      'equalize:0.0000',
      'brightness:0.9900',
      'translateX:29.8667',
    ],
    sum: 400.106,
    weighted: 20171.99,
  },
};

describe('policy outputs are unchanged by the registry-read op list', () => {
  it('RandAugment: same draws, same images', () => {
    expect(fingerprint(randAugment({ numOps: 2, magnitude: 9 }), 3)).toEqual(BEFORE.rand);
  });
  it('TrivialAugment: same draws, same images', () => {
    expect(fingerprint(trivialAugment(), 4)).toEqual(BEFORE.trivial);
  });
});
