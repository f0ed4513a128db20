import { Rng } from '@overfit/core';
import { describe, expect, it } from 'vitest';
import type { Augmentation } from './augmentation.js';
import { assertSafeFor, domainWarnings } from './guards.js';
import { clahe } from './photometric.js';
import { augmentationFromConfig, describeAugmentation, TRANSFORMS } from './registry.js';
import { parseAugmentationSpec, presets } from './spec.js';
import { expectClose, ramp } from './test-utils.js';

describe('parseAugmentationSpec', () => {
  it('parses the CLI example into a pipeline with the given options', () => {
    const p = parseAugmentationSpec('rotate(15),translate(0.1),erase(0.5)');
    expect(describeAugmentation(p)).toEqual({
      name: 'pipeline',
      transforms: [
        {
          name: 'rotate',
          degrees: [-15, 15],
          p: 1,
          interpolation: 'bilinear',
          fillMode: 'constant',
          fillValue: 0,
        },
        {
          name: 'translate',
          translate: [0.1, 0.1],
          p: 1,
          interpolation: 'bilinear',
          fillMode: 'constant',
          fillValue: 0,
        },
        { name: 'randomErasing', p: 0.5, scale: [0.02, 0.33], ratio: [0.3, 3.3], fillValue: 0 },
      ],
    });
  });

  it('takes key=value options, lists, words, and presets', () => {
    const p = parseAugmentationSpec(
      ' mnist , rotate([-5, 20], fillMode=reflect), blur(3, sigma=[0.5, 1]), hflip ',
    );
    const names = p.transforms.map((t) => t.name);
    expect(names).toEqual(['affine', 'colorJitter', 'rotate', 'gaussianBlur', 'horizontalFlip']);
    expect(describeAugmentation(p.transforms[2]!)).toMatchObject({
      degrees: [-5, 20],
      fillMode: 'reflect',
    });
    expect(describeAugmentation(p.transforms[3]!)).toMatchObject({
      kernelSize: 3,
      sigma: [0.5, 1],
    });
  });

  it('fails clearly on unknown names, extra arguments and bad values', () => {
    expect(() => parseAugmentationSpec('rotat(15)')).toThrow(
      /augmentation spec must be a transform name \(affine, .*hflip, .*\) or a preset \(mnist, cifar, medical\)/,
    );
    expect(() => parseAugmentationSpec('rotate(15, 1, 2)')).toThrow(
      'rotate(...) must be at most 2 positional arguments (degrees, p), got [15,1,2]',
    );
    expect(() => parseAugmentationSpec('rotate(-15)')).toThrow(
      'degrees must be a number >= 0, got -15',
    );
    expect(() => parseAugmentationSpec('rotate(15')).toThrow("')' or ','");
    expect(() => parseAugmentationSpec('rotate(deg=15)')).toThrow(/'deg' is not an option/);
    expect(() => parseAugmentationSpec('')).toThrow(/at least one transform/);
    expect(() => parseAugmentationSpec('mnist(1)')).toThrow(/used without arguments/);
  });
});

describe('describeAugmentation / augmentationFromConfig', () => {
  const x = ramp(6, 8, 8, 3);
  it('round-trips every registered transform: same config, same output for the same seed', async () => {
    const required: Record<string, object> = {
      rotate: { degrees: 10 },
      translate: { translate: 0.1 },
      scale: { scale: 0.1 },
      shear: { shear: 5 },
      randomCrop: { size: 6, padding: 1 },
      centerCrop: { size: 6 },
      randomResizedCrop: { size: 6 },
      brightness: { factor: 0.3 },
      contrast: { factor: 0.3 },
      saturation: { factor: 0.3 },
      hue: { factor: 0.1 },
      gamma: { factor: 0.3 },
      sharpness: { factor: 0.5 },
      intensityShift: { factor: 0.1 },
      gaussianNoise: { std: 0.1 },
      gaussianBlur: { kernelSize: 3 },
      channelDropout: { channels: [1, 2] },
      clahe: { grid: [2, 2] },
    };
    for (const [name, factory] of Object.entries(TRANSFORMS)) {
      const t = factory(required[name] ?? {}) as Augmentation;
      const config = JSON.parse(JSON.stringify(describeAugmentation(t)));
      expect(config.name).toBe(name);
      const back = augmentationFromConfig(config);
      expect(describeAugmentation(back)).toEqual(config);
      await expectClose(
        back.apply(x, back.sampleParams(x.shape, new Rng(3))),
        t.apply(x, t.sampleParams(x.shape, new Rng(3))),
        0,
      );
    }
  });

  it('round-trips composites and rejects unknown names', () => {
    const p = parseAugmentationSpec('mnist,erase(0.3)');
    const config = describeAugmentation(p);
    expect(describeAugmentation(augmentationFromConfig(config))).toEqual(config);
    expect(() => augmentationFromConfig({ name: 'warp' })).toThrow(
      /config.name must be a known transform/,
    );
  });
});

describe('presets and domain guards', () => {
  it('mnist preset: ±10° rotation, small translation, brightness/contrast 0.2, no flips', () => {
    const config = describeAugmentation(presets.mnist());
    expect(config).toMatchObject({
      transforms: [
        { name: 'affine', degrees: [-10, 10], translate: [0.1, 0.1] },
        { name: 'colorJitter', brightness: [0.8, 1.2], contrast: [0.8, 1.2] },
      ],
    });
    expect(domainWarnings(presets.mnist(), 'digits')).toEqual([]);
    expect(() => assertSafeFor(presets.mnist(), 'digits')).not.toThrow();
  });

  it('flags flips and large rotations for digits, letters and anatomy', () => {
    const p = parseAugmentationSpec('hflip, vflip, rotate(90), trivialAugment');
    const w = domainWarnings(p, 'digits');
    expect(w.map((x) => `${x.path}:${x.transform}`)).toEqual([
      'transforms[0]:horizontalFlip',
      'transforms[1]:verticalFlip',
      'transforms[2]:rotate',
      'transforms[3]:trivialAugment',
    ]);
    expect(w[0]!.reason).toMatch(/mirror/);
    expect(domainWarnings(parseAugmentationSpec('rotate(20)'), 'anatomy')).toHaveLength(1);
    expect(domainWarnings(parseAugmentationSpec('hflip, rotate(20)'), 'natural')).toEqual([]);
    expect(() => assertSafeFor(parseAugmentationSpec('hflip'), 'letters')).toThrow(/b\/d/);
    expect(() => domainWarnings(p, 'faces' as never)).toThrow(/domain must be one of/);
  });

  it('clahe checks that the grid divides the image', () => {
    const t = clahe({ grid: [3, 3], p: 1 });
    expect(() => t.apply(x8(), t.sampleParams([1, 8, 8, 1], new Rng(1)))).toThrow(
      /grid must be tile counts dividing the image size \[8, 8\]/,
    );
  });
});

const x8 = () => ramp(1, 8, 8, 1);
