import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { selectBackend } from '@overfit/core';
import { installKernels } from '@overfit/kernels';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { LabConfig } from './config.js';
import type { BackendInfo } from './protocol.js';

// The wasm backend fetches its binaries at init; point it at the files Vite bundled.
setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});

interface GpuAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
}

/** "vendor architecture description" of the WebGPU adapter tfjs would get (undefined without one). */
async function webgpuAdapter(): Promise<string | undefined> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  const adapter = (await gpu?.requestAdapter()) as
    | { info?: GpuAdapterInfoLike; requestAdapterInfo?: () => Promise<GpuAdapterInfoLike> }
    | null
    | undefined;
  if (!adapter) return undefined;
  const info = adapter.info ?? (await adapter.requestAdapterInfo?.());
  const text = [info?.vendor, info?.architecture, info?.device, info?.description]
    .filter((s) => s)
    .join(' ');
  return text || 'unnamed adapter';
}

/**
 * `auto`: WebGPU first, then WebGL, wasm and the plain JS cpu backend (else only the one asked
 * for); then @overfit/kernels' faster and missing kernels (wasm's conv backprop, fused
 * optimizer updates). Every failed candidate keeps its real reason.
 */
export async function chooseBackend(preference: LabConfig['backend']): Promise<BackendInfo> {
  const candidates = preference === 'auto' ? ['webgpu', 'webgl', 'wasm', 'cpu'] : [preference];
  const choice = await selectBackend(candidates);
  const installed = installKernels();
  const kernels = installed.find((k) => k.backend === choice.name)?.kernels ?? [];
  const info: BackendInfo = { name: choice.name, attempts: choice.attempts, kernels };
  if (choice.name === 'webgpu') info.adapter = await webgpuAdapter();
  return info;
}
