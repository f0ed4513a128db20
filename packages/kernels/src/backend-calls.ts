import { UnsupportedBackendError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';

/** What a kernel function receives (tfjs-core types it loosely). */
export interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
}

/**
 * Runs `kernelName` of `backendName` directly on `backend`, bypassing the engine: no tape, no
 * profiling, no per-call engine cost. Only for temporaries inside another kernel; the caller
 * frees them with {@link release}.
 */
export function callKernel(
  kernelName: string,
  backendName: string,
  args: KernelArgs,
): tf.TensorInfo {
  const kernel = tf.getKernel(kernelName, backendName);
  if (kernel === undefined) {
    throw new UnsupportedBackendError(
      `@overfit/kernels needs the kernel ${kernelName} on backend '${backendName}', which does not register it`,
    );
  }
  const out = kernel.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
  return Array.isArray(out) ? out[0]! : out;
}

/** Frees a temporary made by {@link callKernel} (its data, unless still shared). */
export function release(backend: tf.KernelBackend, ...infos: tf.TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/** Swaps the last two axes of a tensor of rank >= 2. */
export function transposeLastTwo(
  backendName: string,
  backend: tf.KernelBackend,
  x: tf.TensorInfo,
): tf.TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank).keys()];
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return callKernel(tf.Transpose, backendName, { inputs: { x }, backend, attrs: { perm } });
}

export function reshapeInfo(
  backendName: string,
  backend: tf.KernelBackend,
  x: tf.TensorInfo,
  shape: number[],
): tf.TensorInfo {
  return callKernel(tf.Reshape, backendName, { inputs: { x }, backend, attrs: { shape } });
}

/**
 * A kernel input as a tensor, for kernels written with tfjs ops. The engine hands kernels
 * tensors; a bare TensorInfo is wrapped with a reference of its own, so that disposing the
 * wrapper (tidy does) leaves the data to its owner.
 */
export function asTensor<T extends tf.Tensor>(backend: tf.KernelBackend, info: tf.TensorInfo): T {
  if (info instanceof tf.Tensor) return info as T;
  (backend as unknown as { incRef(dataId: tf.DataId): void }).incRef(info.dataId);
  return tf.engine().makeTensorFromTensorInfo(info) as T;
}
