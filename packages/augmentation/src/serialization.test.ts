// Every transform registered in core's registry round-trips through serialize / deserialize.
import { deserialize, Rng, registered, serialize, type Transform } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import * as aug from './index.js';

/** One instance per registered name; a new registration without an example fails below. */
const EXAMPLES: Record<string, () => Transform> = {
  horizontalFlip: () => aug.horizontalFlip({ p: 0.3 }),
  verticalFlip: () => aug.verticalFlip(),
  affine: () => aug.affine({ degrees: 10, translate: 0.1 }),
  rotate: () => aug.rotate({ degrees: 15 }),
  translate: () => aug.translate({ translate: 0.2 }),
  scale: () => aug.scale({ scale: 0.1 }),
  shear: () => aug.shear({ shear: 5 }),
  perspective: () => aug.perspective({ distortion: 0.2 }),
  randomCrop: () => aug.randomCrop({ size: 4, padding: 1 }),
  centerCrop: () => aug.centerCrop({ size: 4 }),
  randomResizedCrop: () => aug.randomResizedCrop({ size: 4 }),
  brightness: () => aug.brightness({ factor: 0.2 }),
  contrast: () => aug.contrast({ factor: 0.2 }),
  saturation: () => aug.saturation({ factor: 0.2 }),
  hue: () => aug.hue({ factor: 0.1 }),
  gamma: () => aug.gamma({ factor: 0.2 }),
  sharpness: () => aug.sharpness({ factor: 0.3 }),
  intensityShift: () => aug.intensityShift({ factor: 0.1 }),
  colorJitter: () => aug.colorJitter({ brightness: 0.2, contrast: 0.1 }),
  grayscale: () => aug.grayscale({ p: 0.5 }),
  invert: () => aug.invert(),
  solarize: () => aug.solarize({ threshold: 0.7 }),
  posterize: () => aug.posterize({ bits: 3 }),
  autocontrast: () => aug.autocontrast(),
  equalize: () => aug.equalize(),
  clahe: () => aug.clahe({ clipLimit: 2 }),
  gaussianNoise: () => aug.gaussianNoise({ std: 0.05 }),
  gaussianBlur: () => aug.gaussianBlur({ kernelSize: 3 }),
  randomErasing: () => aug.randomErasing({ p: 0.5 }),
  coarseDropout: () => aug.coarseDropout({ holes: 2 }),
  gridDropout: () => aug.gridDropout({ ratio: 0.3 }),
  channelDropout: () => aug.channelDropout({ p: 0.5 }),
  mixup: () => aug.mixup({ alpha: 0.4 }),
  cutmix: () => aug.cutmix({ alpha: 1 }),
  elastic: () => aug.elastic({ alpha: 20, sigma: 3 }),
  randAugment: () => aug.randAugment({ numOps: 2, magnitude: 5 }),
  trivialAugment: () => aug.trivialAugment(),
  pipeline: () => aug.pipeline([aug.rotate({ degrees: 5 }), aug.invert()]),
  compose: () => aug.compose([aug.brightness({ factor: 0.1 })]),
  flattened: () => aug.flattened(aug.rotate({ degrees: 5 }), [8, 8, 1]),
  randomApply: () => aug.randomApply(aug.invert(), 0.3),
  oneOf: () => aug.oneOf([aug.invert(), aug.grayscale()], [1, 3]),
  someOf: () => aug.someOf([aug.invert(), aug.grayscale(), aug.equalize()], [1, 2]),
  randomOrder: () => aug.randomOrder([aug.invert(), aug.equalize()]),
};

describe('serialization through the core registry', () => {
  it('every registered transform has an example here', () => {
    expect(
      registered('transform')
        .map((e) => e.name)
        .sort(),
    ).toEqual(Object.keys(EXAMPLES).sort());
  });

  for (const [name, make] of Object.entries(EXAMPLES)) {
    it(`${name}: serialize → JSON → deserialize gives the same config and output`, () => {
      const t = make();
      const json = serialize(t as unknown as aug.Augmentation);
      const back = deserialize<Transform>(JSON.parse(JSON.stringify(json)), 'transform');
      expect(back.name).toBe(t.name);
      expect(serialize(back as unknown as aug.Augmentation)).toEqual(json);
      expect(json.config).toEqual(JSON.parse(JSON.stringify(aug.describeAugmentation(t))));
      // Same seed, same output (flattened takes [N, 64] rows; the rest NHWC).
      const x =
        name === 'flattened'
          ? tf.randomUniform([2, 64], 0, 1, 'float32', 3)
          : tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 3);
      const run = (tr: Transform) =>
        tf.tidy(() => tr.apply(x, tr.sampleParams(x.shape, new Rng(7))).arraySync());
      expect(run(back)).toEqual(run(t));
      x.dispose();
    });
  }
});
