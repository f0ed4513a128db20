import { checkKnownKeys, DataFormatError, InvalidArgumentError } from '@overfit/core';

/** Element types an IDX file can hold, named after the typed array that stores them. */
export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** The typed array that holds the elements of an {@link IdxArray} of each {@link IdxDtype}. */
export type IdxTypedArray =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Float32Array
  | Float64Array;

/** A parsed IDX file: element type, dimensions (outermost first) and the row-major elements. */
export interface IdxArray {
  dtype: IdxDtype;
  shape: number[];
  /** Row-major elements in native byte order; a fresh array that does not share the input's memory. */
  data: IdxTypedArray;
}

/** Options of {@link parseIdx}. */
export interface ParseIdxOptions {
  /** Name used in error messages (a file name or URL). Default `'IDX data'`. */
  name?: string;
}

interface TypeInfo {
  dtype: IdxDtype;
  bytes: number;
  read: (view: DataView, offset: number) => number;
  make: (length: number) => IdxTypedArray;
}

// Type codes from the IDX format (LeCun et al.); multi-byte elements are big-endian.
const TYPES: ReadonlyMap<number, TypeInfo> = new Map<number, TypeInfo>([
  [
    0x08,
    { dtype: 'uint8', bytes: 1, read: (v, o) => v.getUint8(o), make: (n) => new Uint8Array(n) },
  ],
  [0x09, { dtype: 'int8', bytes: 1, read: (v, o) => v.getInt8(o), make: (n) => new Int8Array(n) }],
  [
    0x0b,
    {
      dtype: 'int16',
      bytes: 2,
      read: (v, o) => v.getInt16(o, false),
      make: (n) => new Int16Array(n),
    },
  ],
  [
    0x0c,
    {
      dtype: 'int32',
      bytes: 4,
      read: (v, o) => v.getInt32(o, false),
      make: (n) => new Int32Array(n),
    },
  ],
  [
    0x0d,
    {
      dtype: 'float32',
      bytes: 4,
      read: (v, o) => v.getFloat32(o, false),
      make: (n) => new Float32Array(n),
    },
  ],
  [
    0x0e,
    {
      dtype: 'float64',
      bytes: 8,
      read: (v, o) => v.getFloat64(o, false),
      make: (n) => new Float64Array(n),
    },
  ],
]);

const hex = (byte: number) => `0x${byte.toString(16).padStart(2, '0')}`;

function asBytes(bytes: unknown): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  throw new InvalidArgumentError('bytes', bytes, 'an ArrayBuffer or Uint8Array');
}

/**
 * Parses an IDX file (the format of the original MNIST files), uncompressed.
 *
 * Layout: two zero bytes, a type code (0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,
 * 0x0D float32, 0x0E float64), the number of dimensions `d`, then `d` big-endian uint32 sizes,
 * then `prod(sizes)` big-endian elements. The total length must be exactly
 * `4 + 4·d + prod(sizes)·bytesPerElement`.
 *
 * @param bytes the whole file (a Node `Buffer` is a `Uint8Array` and works as is)
 * @throws {DataFormatError} naming the file when the header is short, the magic number or type
 *   code is wrong, the data is truncated or followed by trailing bytes
 * @example
 * const labels = parseIdx(await (await fetch(url)).arrayBuffer(), { name: url });
 * labels.shape; // [10000]
 */
export function parseIdx(bytes: ArrayBuffer | Uint8Array, options: ParseIdxOptions = {}): IdxArray {
  checkKnownKeys('options', options, ['name']);
  const name = options.name ?? 'IDX data';
  if (typeof name !== 'string') throw new InvalidArgumentError('options.name', name, 'a string');
  const input = asBytes(bytes);
  const fail: (what: string) => never = (what) => {
    throw new DataFormatError(`${name} is not a valid IDX file: ${what}`);
  };

  if (input.length < 4) fail(`too short for the 4-byte IDX header, got ${input.length} bytes`);
  if (input[0] === 0x1f && input[1] === 0x8b) {
    fail('it is gzip-compressed (starts with 0x1f 0x8b); decompress it first');
  }
  if (input[0] !== 0 || input[1] !== 0) {
    fail(
      `bad magic number: expected the first two bytes to be 0x00 0x00, got ${hex(input[0]!)} ${hex(input[1]!)}`,
    );
  }
  const type = TYPES.get(input[2]!);
  if (!type)
    fail(`unknown type code ${hex(input[2]!)} (known: 0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e)`);
  const { dtype, bytes: elementBytes, read, make } = type;
  const ndims = input[3]!;
  if (ndims === 0) fail('the header declares 0 dimensions');

  const headerBytes = 4 + 4 * ndims;
  if (input.length < headerBytes) {
    fail(
      `too short for a header with ${ndims} dimensions: expected at least ${headerBytes} bytes, got ${input.length}`,
    );
  }
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const shape: number[] = [];
  for (let i = 0; i < ndims; i++) shape.push(view.getUint32(4 + 4 * i, false));
  const length = shape.reduce((a, b) => a * b, 1);
  const expected = headerBytes + length * elementBytes;
  const dims = `[${shape.join(', ')}]`;
  if (input.length < expected) {
    fail(`truncated data for ${dtype} ${dims}: expected ${expected} bytes, got ${input.length}`);
  }
  if (input.length > expected) {
    fail(
      `${input.length - expected} trailing bytes after the ${dtype} ${dims} data: expected ${expected} bytes, got ${input.length}`,
    );
  }

  let data: IdxTypedArray;
  if (elementBytes === 1 && dtype === 'uint8') {
    data = input.slice(headerBytes, expected);
  } else if (elementBytes === 1) {
    data = new Int8Array(input.slice(headerBytes, expected).buffer);
  } else {
    data = make(length);
    for (let i = 0, o = headerBytes; i < length; i++, o += elementBytes) data[i] = read(view, o);
  }
  return { dtype, shape, data };
}
