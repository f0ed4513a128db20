import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { type BackendChoice, selectBackend } from '@overfit/core';
import { installKernels } from '@overfit/kernels';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

// The wasm backend fetches its binaries at init; point it at the files Vite bundled.
setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});

/**
 * WebGPU first, then WebGL, wasm and the plain JS cpu backend; then @overfit/kernels' faster
 * and missing kernels (wasm's transposed matMuls and conv backprop, fused optimizer updates).
 */
export async function chooseBrowserBackend(): Promise<BackendChoice & { kernels: string[] }> {
  const choice = await selectBackend(['webgpu', 'webgl', 'wasm', 'cpu']);
  const installed = installKernels();
  const kernels = installed.find((k) => k.backend === choice.name)?.kernels ?? [];
  return { ...choice, kernels };
}
