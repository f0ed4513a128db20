import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { testBackend } from '../../../test/backend.js';
import { describeValue, InvalidArgumentError } from './errors.js';
import {
  checkBoolean,
  checkInteger,
  checkKnownKeys,
  checkNumber,
  checkOneOf,
  checkRate,
  checkSeed,
} from './validate.js';

/** The error `fn` throws (it must throw an InvalidArgumentError). */
function thrown(fn: () => unknown): InvalidArgumentError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidArgumentError);
    return e as InvalidArgumentError;
  }
  throw new Error('did not throw');
}

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
    const e = thrown(() => checkRate('p', -0.5, true));
    expect([e.argument, e.value, e.allowed]).toEqual(['p', -0.5, 'a number in [0, 1]']);
  });

  it('accepts values inside the range', () => {
    expect(checkRate('p', 0)).toBe(0);
    expect(checkRate('p', 1, true)).toBe(1);
    expect(checkInteger('n', 3)).toBe(3);
    expect(checkNumber('x', -0, { min: 0 })).toBe(-0);
    expect(checkSeed('seed', -(2 ** 40))).toBe(-(2 ** 40));
  });

  it('honours inclusive and exclusive bounds on both sides', () => {
    const open = { min: 0, max: 1, minInclusive: false, maxInclusive: false };
    expect(() => checkNumber('x', 0, open)).toThrow('x must be a number in (0, 1), got 0');
    expect(() => checkNumber('x', -0, open)).toThrow('x must be a number in (0, 1), got -0');
    expect(() => checkNumber('x', 1, open)).toThrow('x must be a number in (0, 1), got 1');
    expect(checkNumber('x', Number.MIN_VALUE, open)).toBe(Number.MIN_VALUE);
    expect(checkNumber('x', 1 - 2 ** -53, open)).toBe(1 - 2 ** -53);
    expect(() => checkNumber('x', 2, { max: 2, maxInclusive: false })).toThrow(
      'x must be a number < 2, got 2',
    );
    expect(() => checkNumber('x', 0, { min: 0, minInclusive: false })).toThrow(
      'x must be a number > 0, got 0',
    );
  });

  it('lets only finite numbers through: not NaN, Infinity, numeric strings, booleans or arrays', () => {
    for (const bad of [Number.NaN, '0.5', '1', true, false, null, undefined, [0.5], 1n, {}]) {
      expect(() => checkRate('p', bad)).toThrow(/^p must be a number in \[0, 1\), got /);
    }
    expect(() => checkRate('p', '0.5')).toThrow('p must be a number in [0, 1), got "0.5"');
    expect(() => checkRate('p', [0.5])).toThrow('got [0.5]');
    expect(() => checkRate('p', 1n)).toThrow('got 1n');
    expect(() => checkRate('p', Number.NaN)).toThrow('got NaN');
    // Infinity satisfies ">= 0": the message says finite, so it does not contradict itself
    expect(() => checkNumber('lr', Number.POSITIVE_INFINITY, { min: 0 })).toThrow(
      'lr must be a finite number >= 0, got Infinity',
    );
    expect(() => checkInteger('n', Number.NEGATIVE_INFINITY, { min: undefined, max: 3 })).toThrow(
      'n must be a finite integer <= 3, got -Infinity',
    );
    expect(() => checkNumber('x', Number.POSITIVE_INFINITY)).toThrow(
      'x must be a finite number, got Infinity',
    );
    expect(() => checkInteger('n', 2.5)).toThrow('n must be an integer >= 1, got 2.5');
    expect(() => checkInteger('n', '3')).toThrow('n must be an integer >= 1, got "3"');
    expect(() => checkBoolean('flag', 'true')).toThrow('flag must be true or false, got "true"');
    expect(() => checkBoolean('flag', 1)).toThrow('flag must be true or false, got 1');
    expect(() => checkOneOf('mode', ['min'], ['min', 'max'])).toThrow(
      "mode must be one of 'min', 'max', got [\"min\"]",
    );
    expect(() => checkSeed('seed', 1.5)).toThrow(/^seed must be an integer in/);
  });

  it('checkInteger keeps its lower bound of 1 unless min is given', () => {
    expect(() => checkInteger('k', 0, { max: 10 })).toThrow(
      'k must be an integer in [1, 10], got 0',
    );
    expect(checkInteger('k', 10, { max: 10 })).toBe(10);
    expect(() => checkInteger('k', 11, { max: 10 })).toThrow('k must be an integer in [1, 10]');
    expect(checkInteger('k', 0, { min: 0 })).toBe(0);
    expect(checkInteger('k', -5, { min: undefined })).toBe(-5);
    expect(() => checkInteger('k', 0, {})).toThrow('k must be an integer >= 1, got 0');
  });

  it('rejects unknown option keys', () => {
    expect(() => checkKnownKeys('options', { lamda: 1 }, ['lambda'])).toThrow(/options.lamda/);
    expect(() => checkKnownKeys('options', { lambda: 1 }, ['lambda'])).not.toThrow();
    expect(() => checkKnownKeys('options', { x: 1 }, [])).toThrow(
      "options.x must be not set: 'x' is not an option (there are none), got 1",
    );
    expect(() => checkKnownKeys('options', [1, 2], ['lambda'])).toThrow(
      'options must be an options object, got [1,2]',
    );
    expect(() => checkKnownKeys('options', null as never, ['lambda'])).toThrow(
      'options must be an options object, got null',
    );
  });
});

describe('describeValue', () => {
  it('shows what JSON would hide: NaN, Infinity, -0, undefined inside arrays and objects', () => {
    expect(describeValue([1, Number.NaN, Number.NEGATIVE_INFINITY, -0])).toBe(
      '[1,NaN,-Infinity,-0]',
    );
    expect(describeValue({ a: Number.NaN, b: undefined, c: 'x' })).toBe(
      '{"a":NaN,"b":undefined,"c":"x"}',
    );
    expect(describeValue([15, 1, 2])).toBe('[15,1,2]');
    expect(describeValue(-0)).toBe('-0');
    expect(describeValue('0.5')).toBe('"0.5"');
    expect(describeValue(7n)).toBe('7n');
    expect(describeValue(Symbol('s'))).toBe('Symbol(s)');
    expect(describeValue(() => 1)).toBe('a function');
    expect(describeValue(/^dense/g)).toBe('/^dense/g');
  });

  it('names typed arrays, tensors and class instances instead of dumping their fields', () => {
    expect(describeValue(new Float32Array([1, 0.5]))).toBe('Float32Array [1,0.5]');
    const t = tf.zeros([2, 3], 'int32');
    expect(describeValue(t)).toBe('an int32 tensor of shape [2, 3]');
    t.dispose();
    expect(describeValue(new Map())).toBe('a Map');
    expect(describeValue(new InvalidArgumentError('a', 1, 'b'))).toBe('an InvalidArgumentError');
  });

  it('survives cycles and cuts long values', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(describeValue(cyclic)).toBe('{"a":1,"self":[Circular]}');
    const long = describeValue(Array.from({ length: 100 }, (_, i) => i));
    expect(long).toHaveLength(80);
    expect(long.endsWith('...')).toBe(true);
    expect(describeValue('x'.repeat(200))).toHaveLength(80);
  });
});
