import * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs } from './backend-calls.js';
import { hostMemory } from './host.js';

/**
 * `Slice` reading the input where it lies. tfjs-backend-wasm 4.22's kernel first copies the
 * whole input out of the heap (`readSync`) and then slices the copy, so taking one batch of 128
 * rows from a 54,000-row training set copies all 54,000 rows: ~170 MB per step on MNIST, more
 * time than the step's matMuls. Here: a view, one copy of the slice itself.
 */
export function fastSlice(original: tf.KernelFunc, backendName: string): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as KernelArgs;
    const { x } = inputs as { x: tf.TensorInfo };
    const host = hostMemory(backendName, backend);
    if (
      host === undefined ||
      (x.dtype !== 'float32' && x.dtype !== 'int32' && x.dtype !== 'bool')
    ) {
      return original(args);
    }
    const { begin, size } = attrs as unknown as tf.SliceAttrs;
    const [begin_, size_] = tf.slice_util.parseSliceParams(x, begin, size) as [number[], number[]];
    const out = makeOutput(backend, size_, x.dtype);
    const src = heapView(backend, x);
    const dst = heapView(backend, out);
    const strides = tf.util.computeStrides(x.shape);
    if (tf.slice_util.isSliceContinous(x.shape, begin_, size_)) {
      const offset = tf.slice_util.computeFlatOffset(begin_, strides);
      dst.set(src.subarray(offset, offset + dst.length));
      return out;
    }
    copyStrided(src, strides, begin_, size_, dst);
    return out;
  };
}

interface WasmHeap {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

function makeOutput(backend: unknown, shape: number[], dtype: tf.DataType): tf.TensorInfo {
  return (backend as WasmHeap).makeOutput(shape, dtype);
}

function heapView(backend: unknown, info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array {
  return (backend as WasmHeap).typedArrayFromHeap(info);
}

/** Copies the box `[begin, begin + size)` of a row-major array with `strides` into `dst`. */
function copyStrided(
  src: ArrayLike<number>,
  strides: number[],
  begin: number[],
  size: number[],
  dst: { set(values: ArrayLike<number>, offset: number): void },
): void {
  const rank = size.length;
  const inner = size[rank - 1]!;
  const outer = size.slice(0, -1);
  const count = outer.reduce((a, b) => a * b, 1);
  const index = new Array<number>(rank - 1).fill(0);
  const view = src as unknown as Float32Array;
  for (let k = 0; k < count; k++) {
    let offset = begin[rank - 1]!;
    for (let d = 0; d < rank - 1; d++) offset += (begin[d]! + index[d]!) * strides[d]!;
    dst.set(view.subarray(offset, offset + inner), k * inner);
    for (let d = rank - 2; d >= 0; d--) {
      if (++index[d]! < outer[d]!) break;
      index[d] = 0;
    }
  }
}
