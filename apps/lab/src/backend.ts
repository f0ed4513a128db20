import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { type BackendChoice, selectBackend } from '@overfit/core';
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

/** WebGPU first, then WebGL, wasm and the plain JS cpu backend. */
export function chooseBrowserBackend(): Promise<BackendChoice> {
  return selectBackend(['webgpu', 'webgl', 'wasm', 'cpu']);
}
