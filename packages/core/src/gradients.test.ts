import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { OverfitError } from './errors.js';
import { assertGradientsRegistered } from './gradients.js';

describe('assertGradientsRegistered', () => {
  it('passes when tfjs gradients are registered', () => {
    expect(() => assertGradientsRegistered()).not.toThrow();
  });

  it('names the imports that fix a missing gradient registry', () => {
    const original = tf.getGradient('RealDiv')!;
    tf.registerGradient({ kernelName: 'RealDiv' } as tf.GradConfig);
    try {
      expect(() => assertGradientsRegistered()).toThrow(OverfitError);
      expect(() => assertGradientsRegistered()).toThrow(
        /import '@tensorflow\/tfjs'.*register_all_gradients/,
      );
    } finally {
      tf.registerGradient(original);
    }
    expect(() => assertGradientsRegistered()).not.toThrow();
  });
});
