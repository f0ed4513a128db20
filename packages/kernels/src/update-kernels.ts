import {
  type FusedAdamUpdateAttrs,
  type FusedMomentumUpdateAttrs,
  type FusedSgdUpdateAttrs,
  InvalidArgumentError,
} from '@overfit/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs } from './backend-calls.js';
import { hostMemory } from './host.js';
import { type SimdUpdates, simdUpdates } from './simd-module.js';

// The fused optimizer updates (contracts in @overfit/core's fused.ts): one pass over each
// variable instead of ~12 kernels, each a full pass. On wasm the pass is the SIMD module's
// (4 lanes, in the backend's own memory); elsewhere, and for the last < 4 elements, a JS loop.

/** The wasm backend's memory, found among its module's exports (names differ by build). */
export function wasmMemory(backend: unknown): WebAssembly.Memory | undefined {
  const asm = (backend as { wasm?: { asm?: Record<string, unknown> } }).wasm?.asm;
  if (asm === undefined) return undefined;
  return Object.values(asm).find((v): v is WebAssembly.Memory => v instanceof WebAssembly.Memory);
}

function simdFor(backendName: string, backend: unknown): SimdUpdates | null {
  return backendName === 'wasm' ? simdUpdates(wasmMemory(backend)) : null;
}

/** Where the SIMD pass stops: the JS loop takes the rest. */
const simdEnd = (simd: SimdUpdates | null, n: number) => (simd === null ? 0 : n - (n % 4));

function checkFloat32(kernel: string, inputs: Record<string, tf.TensorInfo | undefined>): void {
  for (const [name, info] of Object.entries(inputs)) {
    if (info !== undefined && info.dtype !== 'float32') {
      throw new InvalidArgumentError(`${kernel} input ${name}.dtype`, info.dtype, "'float32'");
    }
  }
}

export function adamUpdateKernel(backendName: string): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as KernelArgs;
    const host = hostMemory(backendName, backend)!;
    const { x, m, v, g, accBeta1, accBeta2 } = inputs as Record<string, tf.TensorInfo>;
    checkFloat32('OverfitFusedAdamUpdate', { x, m, v, g });
    const { learningRate, beta1, beta2, epsilon, biasCorrection1, biasCorrection2 } =
      attrs as unknown as FusedAdamUpdateAttrs;
    const outX = host.alloc(x!.shape);
    const outM = host.alloc(x!.shape);
    const outV = host.alloc(x!.shape);
    // Views only after every allocation (a wasm allocation may move the heap).
    const c1 = accBeta1 === undefined ? biasCorrection1! : 1 - host.view(accBeta1)[0]!;
    const c2 = accBeta2 === undefined ? biasCorrection2! : 1 - host.view(accBeta2)[0]!;
    const [xs, ms, vs, gs] = [host.view(x!), host.view(m!), host.view(v!), host.view(g!)];
    const [xo, mo, vo] = [host.view(outX), host.view(outM), host.view(outV)];
    const b1 = 1 - beta1;
    const b2 = 1 - beta2;
    const stepSize = learningRate / c1;
    const simd = simdFor(backendName, backend);
    const start = simdEnd(simd, xs.length);
    if (start > 0) {
      simd!.adam(
        ...[xs, ms, vs, gs, xo, mo, vo].map((a) => a.byteOffset),
        start * 4,
        beta1,
        b1,
        beta2,
        b2,
        stepSize,
        1 / c2,
        epsilon,
      );
    }
    for (let i = start; i < xs.length; i++) {
      const gi = gs[i]!;
      const mi = beta1 * ms[i]! + b1 * gi;
      const vi = beta2 * vs[i]! + b2 * gi * gi;
      mo[i] = mi;
      vo[i] = vi;
      xo[i] = xs[i]! - (stepSize * mi) / (Math.sqrt(vi / c2) + epsilon);
    }
    return [outX, outM, outV];
  };
}

export function sgdUpdateKernel(backendName: string): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as KernelArgs;
    const host = hostMemory(backendName, backend)!;
    const { x, g } = inputs as Record<string, tf.TensorInfo>;
    checkFloat32('OverfitFusedSgdUpdate', { x, g });
    const { learningRate } = attrs as unknown as FusedSgdUpdateAttrs;
    const out = host.alloc(x!.shape);
    const [xs, gs, xo] = [host.view(x!), host.view(g!), host.view(out)];
    const simd = simdFor(backendName, backend);
    const start = simdEnd(simd, xs.length);
    if (start > 0) simd!.sgd(xs.byteOffset, gs.byteOffset, xo.byteOffset, start * 4, learningRate);
    for (let i = start; i < xs.length; i++) xo[i] = xs[i]! - learningRate * gs[i]!;
    return [out];
  };
}

export function momentumUpdateKernel(backendName: string): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as KernelArgs;
    const host = hostMemory(backendName, backend)!;
    const { x, a, g } = inputs as Record<string, tf.TensorInfo>;
    checkFloat32('OverfitFusedMomentumUpdate', { x, a, g });
    const { learningRate, momentum, nesterov } = attrs as unknown as FusedMomentumUpdateAttrs;
    const outX = host.alloc(x!.shape);
    const outA = host.alloc(x!.shape);
    const [xs, as, gs] = [host.view(x!), host.view(a!), host.view(g!)];
    const [xo, ao] = [host.view(outX), host.view(outA)];
    const simd = simdFor(backendName, backend);
    const start = simdEnd(simd, xs.length);
    if (start > 0) {
      simd!.momentum(
        ...[xs, as, gs, xo, ao].map((arr) => arr.byteOffset),
        start * 4,
        learningRate,
        momentum,
        nesterov ? 1 : 0,
      );
    }
    for (let i = start; i < xs.length; i++) {
      const gi = gs[i]!;
      const ai = momentum * as[i]! + gi;
      ao[i] = ai;
      xo[i] = xs[i]! - learningRate * (nesterov ? gi + momentum * ai : ai);
    }
    return [outX, outA];
  };
}
