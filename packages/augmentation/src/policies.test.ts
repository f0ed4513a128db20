import { Rng } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { policyOpNames, randAugment, trivialAugment } from './policies.js';
import { expectClose, expectNoLeak, ramp } from './test-utils.js';
import { registerTransform } from './transform-registry.js';

describe('RandAugment / TrivialAugment', () => {
  it('RandAugment draws numOps ops per image, uniformly, at the fixed magnitude', () => {
    const t = randAugment({ numOps: 2, magnitude: 9 });
    const { ops } = t.sampleParams([7000, 28, 28, 1], new Rng(1));
    expect(ops.every((o) => o.length === 2)).toBe(true);
    const counts = new Map<string, number>();
    for (const o of ops.flat()) counts.set(o.op, (counts.get(o.op) ?? 0) + 1);
    expect(counts.size).toBe(policyOpNames().length);
    for (const c of counts.values()) expect(Math.abs(c / 14000 - 1 / 14)).toBeLessThan(0.012);
    // torchvision's bins: rotate linspace(0, 30, 31)[9] = 9 degrees, random sign.
    const rot = ops
      .flat()
      .filter((o) => o.op === 'rotate')
      .map((o) => o.magnitude);
    expect(new Set(rot.map(Math.abs))).toEqual(new Set([9]));
    expect(rot.some((m) => m < 0) && rot.some((m) => m > 0)).toBe(true);
    const post = ops.flat().find((o) => o.op === 'posterize')!;
    expect(post.magnitude).toBe(8 - Math.round(9 / 7.5)); // 7 bits
  });

  it('TrivialAugment draws one op per image with a uniform magnitude bin', () => {
    const { ops } = trivialAugment().sampleParams([3000, 28, 28, 1], new Rng(2));
    expect(ops.every((o) => o.length === 1)).toBe(true);
    const rot = ops
      .flat()
      .filter((o) => o.op === 'rotate')
      .map((o) => Math.abs(o.magnitude));
    expect(Math.max(...rot)).toBeLessThanOrEqual(135);
    expect(Math.max(...rot)).toBeGreaterThan(120);
  });

  it('applies each image its own ops (checked against the single op on that image)', async () => {
    const x = ramp(4, 6, 6, 1);
    const t = randAugment({ numOps: 1 });
    const params = {
      ops: [
        [{ op: 'identity' as const, magnitude: 0 }],
        [{ op: 'brightness' as const, magnitude: 0.5 }],
        [{ op: 'solarize' as const, magnitude: 0.3 }],
        [{ op: 'translateX' as const, magnitude: 2 }],
      ],
    };
    const y = tf.split(t.apply(x, params), 4);
    const p = tf.split(x, 4);
    await expectClose(y[0]!, p[0]!, 0);
    await expectClose(y[1]!, tf.clipByValue(tf.mul(p[1]!, 1.5), 0, 1));
    await expectClose(y[2]!, tf.where(tf.greaterEqual(p[2]!, 0.3), tf.sub(1, p[2]!), p[2]!));
    const shifted = tf.pad(tf.slice(p[3]!, [0, 0, 0, 0], [1, 6, 4, 1]), [
      [0, 0],
      [0, 0],
      [2, 0],
      [0, 0],
    ]);
    await expectClose(y[3]!, shifted, 0);
  });

  it('is replayable, leaks nothing and validates', async () => {
    const x = ramp(8, 8, 8, 3);
    const t = randAugment();
    const params = t.sampleParams(x.shape, new Rng(5));
    await expectClose(t.apply(x, params), t.apply(x, JSON.parse(JSON.stringify(params))), 0);
    expectNoLeak(() => t.apply(x, params));
    const tr = trivialAugment();
    expectNoLeak(() => tr.apply(x, tr.sampleParams(x.shape, new Rng(1))));
    expect(() => randAugment({ magnitude: 31 })).toThrow(
      'magnitude must be an integer in [0, 30], got 31',
    );
  });
});

describe('the policy op space comes from the registry', () => {
  it('is identity plus the ops the registered transforms declare, in torchvision order', () => {
    expect(policyOpNames()).toEqual([
      'identity',
      'shearX',
      'shearY',
      'translateX',
      'translateY',
      'rotate',
      'brightness',
      'color',
      'contrast',
      'sharpness',
      'posterize',
      'solarize',
      'autocontrast',
      'equalize',
    ]);
  });

  it('a transform registered with a RandAugment op joins both policies', async () => {
    const invertAll = {
      op: 'invertAll',
      signed: false,
      magnitude: () => 0,
      apply: (x: tf.Tensor4D) => tf.sub(1, x),
    };
    registerTransform('testInvert', () => trivialAugment(), {
      positional: [],
      randAugment: [invertAll],
    });
    expect(policyOpNames().at(-1)).toBe('invertAll');
    const { ops } = randAugment({ numOps: 1 }).sampleParams([3000, 8, 8, 1], new Rng(5));
    expect(ops.flat().some((o) => o.op === 'invertAll')).toBe(true);
    const x = ramp(2, 4, 4, 1);
    const y = randAugment().apply(x, {
      ops: [[{ op: 'invertAll', magnitude: 0 }], [{ op: 'identity', magnitude: 0 }]],
    });
    const [a, b] = tf.split(y, 2);
    const [p, q] = tf.split(x, 2);
    await expectClose(a!, tf.sub(1, p!), 0);
    await expectClose(b!, q!, 0);
    expect(() => randAugment().apply(x, { ops: [[{ op: 'nope', magnitude: 0 }], []] })).toThrow(
      /params.ops\[\].op must be a policy op/,
    );
  });
});
