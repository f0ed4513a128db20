import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { testBackend } from '../../../test/backend.js';
import { InvalidArgumentError } from './errors.js';
import { checkInteger, checkKnownKeys, checkNumber, checkOneOf, checkRate } from './validate.js';

describe('validation helpers', () => {
  it('runs on the backend the project asked for', () => {
    expect(tf.getBackend()).toBe(testBackend);
  });

  it('names argument, value and allowed range', () => {
    expect(() => checkRate('dropout rate', 1.2)).toThrow(
      'dropout rate must be a number in [0, 1), got 1.2',
    );
    expect(() => checkInteger('epochs', 0)).toThrow('epochs must be an integer >= 1, got 0');
    expect(() => checkOneOf('average', 'mean', ['macro', 'micro'])).toThrow(
      "average must be one of 'macro', 'micro', got \"mean\"",
    );
    expect(() =>
      checkNumber('lr', Number.POSITIVE_INFINITY, { min: 0, minInclusive: false }),
    ).toThrow(InvalidArgumentError);
  });

  it('accepts values inside the range', () => {
    expect(checkRate('p', 0)).toBe(0);
    expect(checkRate('p', 1, true)).toBe(1);
    expect(checkInteger('n', 3)).toBe(3);
  });

  it('rejects unknown option keys', () => {
    expect(() => checkKnownKeys('options', { lamda: 1 }, ['lambda'])).toThrow(/options.lamda/);
    expect(() => checkKnownKeys('options', { lambda: 1 }, ['lambda'])).not.toThrow();
  });
});
