import type * as tf from '@tensorflow/tfjs-core';

/**
 * Host-memory access to a backend's tensors, for kernels written as plain loops. Only the
 * backends whose data live in this process's memory qualify: `cpu` (JS typed arrays) and
 * `wasm` (views into the WebAssembly heap).
 */
export interface HostMemory {
  /** A float32 view of a tensor's data (a view, not a copy: never write to an input). */
  view(info: tf.TensorInfo): Float32Array;
  /** A new float32 output of `shape` (its contents are unspecified until written). */
  alloc(shape: number[]): tf.TensorInfo;
}

interface WasmLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

interface CpuLike {
  data: { get(dataId: tf.DataId): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

function size(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** The host-memory accessor of `backend`, or `undefined` for a device backend. */
export function hostMemory(backendName: string, backend: unknown): HostMemory | undefined {
  if (backendName === 'wasm') {
    const wasm = backend as WasmLike;
    // A fresh view per call: an allocation may grow (and so detach) the heap's buffer.
    return {
      view: (info) => wasm.typedArrayFromHeap(info),
      alloc: (shape) => wasm.makeOutput(shape, 'float32'),
    };
  }
  if (backendName === 'cpu') {
    const cpu = backend as CpuLike;
    return {
      view: (info) => cpu.data.get(info.dataId).values as Float32Array,
      alloc: (shape) => cpu.makeTensorInfo(shape, 'float32', new Float32Array(size(shape))),
    };
  }
  return undefined;
}
