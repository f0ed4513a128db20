import { Rng, type Transform } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { augment, compose, oneOf, pipeline, randomApply, randomOrder, someOf } from './compose.js';
import { horizontalFlip, randomCrop, rotate, verticalFlip } from './geometric.js';
import { mixup } from './mixing.js';
import { brightness, intensityShift } from './photometric.js';
import { expectClose, expectNoLeak, ramp } from './test-utils.js';

const oneHot = (classes: number[], k: number) =>
  tf.cast(tf.oneHot(tf.tensor1d(classes, 'int32'), k), 'float32');

describe('compose', () => {
  it('applies children in order with the shapes they see', async () => {
    const x = ramp(3, 8, 8, 1);
    const crop = randomCrop({ size: 5 });
    const rot = rotate({ degrees: 20 });
    const t = compose([crop, rot]);
    expect(t.outputShape([3, 8, 8, 1])).toEqual([3, 5, 5, 1]);
    const params = t.sampleParams(x.shape, new Rng(1));
    const manual = rot.apply(crop.apply(x, params.steps[0] as never), params.steps[1] as never);
    await expectClose(t.apply(x, params), manual, 0);
  });

  it('routes labels through mixing steps only; leaks nothing', async () => {
    const x = ramp(4, 4, 4, 1);
    const y = oneHot([0, 1, 2, 3], 4);
    const t = compose([rotate({ degrees: 5 }), mixup({ alpha: 1 })]);
    const params = t.sampleParams(x.shape, new Rng(2));
    await expectClose(
      t.applyToLabels(y, params),
      mixup().applyToLabels(y, params.steps[1] as never),
      0,
    );
    expectNoLeak(() => [t.apply(x, params), t.applyToLabels(y, params)]);
  });
});

describe('randomApply / oneOf / someOf / randomOrder', () => {
  const x = ramp(6, 3, 3, 1);
  const parts = tf.split(x, 6);

  it('randomApply transforms exactly the drawn images', async () => {
    const t = randomApply(horizontalFlip({ p: 1 }), 0.5);
    const params = t.sampleParams(x.shape, new Rng(3));
    const y = tf.split(t.apply(x, params), 6);
    for (let i = 0; i < 6; i++)
      await expectClose(y[i]!, params.apply[i] ? tf.reverse(parts[i]!, 2) : parts[i]!, 0);
    expect(
      randomApply(rotate({ degrees: 5 }), 0.3)
        .sampleParams([5000, 2, 2, 1], new Rng(1))
        .apply.filter(Boolean).length,
    ).toBeGreaterThan(1400);
  });

  it('oneOf gives every image exactly one of the transforms', async () => {
    const t = oneOf([horizontalFlip({ p: 1 }), verticalFlip({ p: 1 })], [1, 3]);
    const params = t.sampleParams(x.shape, new Rng(4));
    const y = tf.split(t.apply(x, params), 6);
    for (let i = 0; i < 6; i++)
      await expectClose(y[i]!, tf.reverse(parts[i]!, params.choice[i] === 0 ? 2 : 1), 0);
    const many = t.sampleParams([8000, 1, 1, 1], new Rng(5)).choice;
    expect(many.filter((c) => c === 1).length / 8000).toBeCloseTo(0.75, 1);
  });

  it('someOf applies the chosen subset in list order', async () => {
    const t = someOf(
      [brightness({ factor: [2, 2] }), intensityShift({ factor: [0.1, 0.1] })],
      [0, 2],
    );
    const params = t.sampleParams(x.shape, new Rng(6));
    const y = tf.split(t.apply(x, params), 6);
    for (let i = 0; i < 6; i++) {
      let e: tf.Tensor = parts[i]!;
      if (params.chosen[i]!.includes(0)) e = tf.clipByValue(tf.mul(e, 2), 0, 1);
      if (params.chosen[i]!.includes(1)) e = tf.clipByValue(tf.add(e, 0.1), 0, 1);
      await expectClose(y[i]!, e);
    }
  });

  it('randomOrder applies all transforms in a per-image order', async () => {
    const small = tf.mul(x, 0.3);
    const smallParts = tf.split(small, 6);
    const t = randomOrder([brightness({ factor: [2, 2] }), intensityShift({ factor: [0.1, 0.1] })]);
    const params = t.sampleParams(x.shape, new Rng(7));
    expect(new Set(params.order.map((o) => o.join())).size).toBe(2);
    const y = tf.split(t.apply(small, params), 6);
    for (let i = 0; i < 6; i++) {
      const e =
        params.order[i]![0] === 0
          ? tf.add(tf.mul(smallParts[i]!, 2), 0.1)
          : tf.mul(tf.add(smallParts[i]!, 0.1), 2);
      await expectClose(y[i]!, e);
    }
  });

  it('refuses size-changing children where images must keep their size', () => {
    expect(() => randomApply(randomCrop({ size: 2 })).sampleParams(x.shape, new Rng(1))).toThrow(
      /keep the image size; randomCrop maps/,
    );
    expect(() => oneOf([])).toThrow(/non-empty array/);
    expect(() => oneOf([horizontalFlip()], [1, 2])).toThrow(/1 numbers/);
  });
});

describe('augment / pipeline', () => {
  const x = ramp(4, 5, 5, 1);
  const y = oneHot([0, 1, 2, 0], 3);
  const aug = pipeline([rotate({ degrees: 10 }), mixup({ alpha: 0.4 })]);

  it('is inert unless training is exactly true', async () => {
    for (const training of [undefined, false]) {
      const out = aug.augment(x, y, { training, rng: new Rng(1) });
      await expectClose(out.images, x, 0);
      await expectClose(out.labels!, y, 0);
      expect(out.params).toBeNull();
    }
    expect(() => aug.augment(x, y, { training: true })).toThrow(
      'options.rng must be an Rng when training, got undefined',
    );
  });

  it('replays: the same seed gives the same images and labels; params are JSON', async () => {
    const a = aug.augment(x, y, { training: true, rng: new Rng(9) });
    const b = aug.augment(x, y, { training: true, rng: new Rng(9) });
    await expectClose(a.images, b.images, 0);
    await expectClose(a.labels!, b.labels!, 0);
    const replay = JSON.parse(JSON.stringify(a.params));
    await expectClose(aug.apply(x, replay), a.images, 0);
    await expectClose(tf.sum(a.labels!, 1), tf.ones([4]));
    expectNoLeak(() => {
      const r = aug.augment(x, y, { training: true, rng: new Rng(3) });
      return [r.images, r.labels!];
    });
  });

  it('accepts a user-defined core Transform', async () => {
    const negate: Transform<null> = {
      name: 'negate',
      sampleParams: () => null,
      apply: (images) => tf.neg(images),
    };
    const out = augment(compose([negate, horizontalFlip({ p: 1 })]), x, undefined, {
      training: true,
      rng: new Rng(1),
    });
    await expectClose(out.images, tf.reverse(tf.neg(x), 2), 0);
    expect(compose([negate]).getConfig()).toEqual({
      name: 'compose',
      transforms: [{ name: 'negate' }],
    });
  });
});
