import { DataFormatError, InvalidArgumentError } from '@overfit/core';
import { describe, expect, it } from 'vitest';
import { parseIdx } from './idx.js';

// Every buffer below is written out byte by byte, so the expected values do not depend on any
// encoder of ours: multi-byte elements are big-endian as the IDX format requires.
const bytes = (...values: number[]) => new Uint8Array(values);

describe('parseIdx dtypes (hand-built big-endian buffers)', () => {
  it('uint8 0x08, 2-D', () => {
    const idx = parseIdx(bytes(0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 0, 1, 127, 128, 254, 255));
    expect(idx.dtype).toBe('uint8');
    expect(idx.shape).toEqual([2, 3]);
    expect(idx.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(idx.data)).toEqual([0, 1, 127, 128, 254, 255]);
  });

  it('int8 0x09', () => {
    const idx = parseIdx(bytes(0, 0, 0x09, 1, 0, 0, 0, 4, 0x00, 0x7f, 0x80, 0xff));
    expect(idx.dtype).toBe('int8');
    expect(idx.data).toBeInstanceOf(Int8Array);
    expect(Array.from(idx.data)).toEqual([0, 127, -128, -1]);
  });

  it('int16 0x0B', () => {
    const idx = parseIdx(bytes(0, 0, 0x0b, 1, 0, 0, 0, 3, 0x01, 0x02, 0xff, 0xfe, 0x80, 0x00));
    expect(idx.dtype).toBe('int16');
    expect(idx.data).toBeInstanceOf(Int16Array);
    expect(Array.from(idx.data)).toEqual([258, -2, -32768]);
  });

  it('int32 0x0C', () => {
    const idx = parseIdx(
      bytes(0, 0, 0x0c, 1, 0, 0, 0, 2, 0x01, 0x02, 0x03, 0x04, 0xff, 0xff, 0xff, 0xff),
    );
    expect(idx.dtype).toBe('int32');
    expect(idx.data).toBeInstanceOf(Int32Array);
    expect(Array.from(idx.data)).toEqual([16909060, -1]);
  });

  it('float32 0x0D', () => {
    // 0x3FC00000 = 1.5, 0xC0490FDB = -3.14159274 (float32 pi, negated)
    const idx = parseIdx(
      bytes(0, 0, 0x0d, 1, 0, 0, 0, 2, 0x3f, 0xc0, 0, 0, 0xc0, 0x49, 0x0f, 0xdb),
    );
    expect(idx.dtype).toBe('float32');
    expect(idx.data).toBeInstanceOf(Float32Array);
    expect(idx.data[0]).toBe(1.5);
    expect(idx.data[1]).toBe(Math.fround(-Math.PI));
  });

  it('float64 0x0E', () => {
    // 0xC004000000000000 = -2.5
    const idx = parseIdx(bytes(0, 0, 0x0e, 1, 0, 0, 0, 1, 0xc0, 0x04, 0, 0, 0, 0, 0, 0));
    expect(idx.dtype).toBe('float64');
    expect(idx.data).toBeInstanceOf(Float64Array);
    expect(Array.from(idx.data)).toEqual([-2.5]);
  });

  it('reads dimension sizes as big-endian uint32 (3-D, size 258 = 0x00000102)', () => {
    const header = [0, 0, 0x08, 3, 0, 0, 0, 1, 0, 0, 0x01, 0x02, 0, 0, 0, 1];
    const idx = parseIdx(new Uint8Array([...header, ...new Array(258).fill(9)]));
    expect(idx.shape).toEqual([1, 258, 1]);
    expect(idx.data.length).toBe(258);
  });

  it('accepts an ArrayBuffer and a Uint8Array view at an offset, and copies the data', () => {
    const file = bytes(0, 0, 0x08, 1, 0, 0, 0, 2, 5, 6);
    const padded = new Uint8Array(13);
    padded.set(file, 3);
    const fromView = parseIdx(padded.subarray(3));
    const fromBuffer = parseIdx(file.slice().buffer);
    expect(Array.from(fromView.data)).toEqual([5, 6]);
    expect(Array.from(fromBuffer.data)).toEqual([5, 6]);
    padded[11] = 99;
    expect(fromView.data[0]).toBe(5);
  });

  it('accepts an empty dimension (0 elements)', () => {
    const idx = parseIdx(bytes(0, 0, 0x0c, 2, 0, 0, 0, 0, 0, 0, 0, 5));
    expect(idx.shape).toEqual([0, 5]);
    expect(idx.data.length).toBe(0);
  });
});

describe('parseIdx errors', () => {
  const message = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(DataFormatError);
      return (error as Error).message;
    }
    throw new Error('expected a DataFormatError');
  };
  const named = { name: 'train-labels-idx1-ubyte' };

  it('too short for the header', () => {
    expect(message(() => parseIdx(bytes(0, 0, 8), named))).toBe(
      'train-labels-idx1-ubyte is not a valid IDX file: too short for the 4-byte IDX header, got 3 bytes',
    );
  });

  it('too short for the declared dimensions', () => {
    expect(message(() => parseIdx(bytes(0, 0, 8, 3, 0, 0, 0, 1), named))).toBe(
      'train-labels-idx1-ubyte is not a valid IDX file: too short for a header with 3 dimensions: expected at least 16 bytes, got 8',
    );
  });

  it('bad magic number', () => {
    expect(message(() => parseIdx(bytes(0x50, 0x4b, 3, 4, 0, 0, 0, 0), named))).toContain(
      'bad magic number: expected the first two bytes to be 0x00 0x00, got 0x50 0x4b',
    );
  });

  it('a gzip file is recognized', () => {
    expect(message(() => parseIdx(bytes(0x1f, 0x8b, 8, 0, 0, 0), named))).toContain(
      'gzip-compressed',
    );
  });

  it('unknown type code', () => {
    expect(message(() => parseIdx(bytes(0, 0, 0x0a, 1, 0, 0, 0, 0), named))).toContain(
      'unknown type code 0x0a',
    );
  });

  it('zero dimensions', () => {
    expect(message(() => parseIdx(bytes(0, 0, 8, 0), named))).toContain('declares 0 dimensions');
  });

  it('truncated data says expected and actual sizes (MNIST train images header, 1000 bytes)', () => {
    const header = [0, 0, 8, 3, 0, 0, 0xea, 0x60, 0, 0, 0, 28, 0, 0, 0, 28];
    const file = new Uint8Array(1000);
    file.set(header);
    expect(message(() => parseIdx(file, { name: 'train-images-idx3-ubyte' }))).toBe(
      'train-images-idx3-ubyte is not a valid IDX file: truncated data for uint8 [60000, 28, 28]: expected 47040016 bytes, got 1000',
    );
  });

  it('truncated multi-byte data', () => {
    expect(message(() => parseIdx(bytes(0, 0, 0x0b, 1, 0, 0, 0, 2, 0, 1, 0), named))).toContain(
      'truncated data for int16 [2]: expected 12 bytes, got 11',
    );
  });

  it('trailing bytes', () => {
    expect(message(() => parseIdx(bytes(0, 0, 8, 1, 0, 0, 0, 1, 7, 0, 0), named))).toBe(
      'train-labels-idx1-ubyte is not a valid IDX file: 2 trailing bytes after the uint8 [1] data: expected 9 bytes, got 11',
    );
  });

  it('names the data generically without a name', () => {
    expect(message(() => parseIdx(bytes(1)))).toMatch(/^IDX data is not a valid IDX file/);
  });

  it('rejects bad arguments with InvalidArgumentError', () => {
    expect(() => parseIdx([0, 0, 8, 1] as unknown as Uint8Array)).toThrow(InvalidArgumentError);
    expect(() => parseIdx([0, 0, 8, 1] as unknown as Uint8Array)).toThrow(
      'bytes must be an ArrayBuffer or Uint8Array',
    );
    expect(() => parseIdx(bytes(0, 0, 8, 1, 0, 0, 0, 0), { nmae: 'x' } as never)).toThrow(
      /options\.nmae/,
    );
    expect(() => parseIdx(bytes(0, 0, 8, 1, 0, 0, 0, 0), { name: 3 } as never)).toThrow(
      'options.name must be a string, got 3',
    );
  });
});
