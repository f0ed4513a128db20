import {
  checkKnownKeys,
  FusedAdamUpdate,
  FusedMomentumUpdate,
  FusedSgdUpdate,
  InvalidArgumentError,
  SeparableResample,
} from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { conv2dBackpropFilterKernel } from './conv-filter.js';
import { fastConv2DBackpropInput } from './conv-input.js';
import { fastBatchMatMul, fastFusedMatMul } from './matmul.js';
import { fastMaxPoolGrad } from './maxpool-grad.js';
import { patchOptimizers, unpatchOptimizers } from './optimizer-patches.js';
import { separableResampleKernel } from './resample.js';
import { fastSlice } from './slice.js';
import { adamUpdateKernel, momentumUpdateKernel, sgdUpdateKernel } from './update-kernels.js';

/** One kernel this package can install, and where. */
interface KernelOverride {
  readonly kernelName: string;
  /** Whether to install it on `backendName` (given that backend's current kernel, if any). */
  readonly appliesTo: (backendName: string, current: tf.KernelConfig | undefined) => boolean;
  /** The kernel function, built around the backend's original (when it had one). */
  readonly make: (backendName: string, original: tf.KernelFunc | undefined) => tf.KernelFunc;
}

const HOST_BACKENDS = new Set(['cpu', 'wasm']);
const onHost = (backendName: string) => HOST_BACKENDS.has(backendName);

const OVERRIDES: readonly KernelOverride[] = [
  {
    kernelName: tf.BatchMatMul,
    appliesTo: (b, current) => b === 'wasm' && current !== undefined,
    make: (b, original) => fastBatchMatMul(original!, b),
  },
  {
    kernelName: tf._FusedMatMul,
    appliesTo: (b, current) => b === 'wasm' && current !== undefined,
    make: (b, original) => fastFusedMatMul(original!, b),
  },
  {
    // Missing from tfjs-backend-wasm 4.22 (tfjs #8474): conv nets cannot train there without it.
    kernelName: tf.Conv2DBackpropFilter,
    appliesTo: (_b, current) => current === undefined,
    make: (b) => conv2dBackpropFilterKernel(b),
  },
  {
    kernelName: tf.Conv2DBackpropInput,
    appliesTo: (b, current) => b === 'wasm' && current !== undefined,
    make: (_b, original) => fastConv2DBackpropInput(original!),
  },
  {
    kernelName: tf.MaxPoolGrad,
    appliesTo: (b, current) => b === 'wasm' && current !== undefined,
    make: (b, original) => fastMaxPoolGrad(original!, b),
  },
  {
    kernelName: tf.Slice,
    appliesTo: (b, current) => b === 'wasm' && current !== undefined,
    make: (b, original) => fastSlice(original!, b),
  },
  {
    kernelName: SeparableResample,
    appliesTo: (b, current) => onHost(b) && current === undefined,
    make: (b) => separableResampleKernel(b),
  },
  {
    kernelName: FusedAdamUpdate,
    appliesTo: (b, current) => onHost(b) && current === undefined,
    make: (b) => adamUpdateKernel(b),
  },
  {
    kernelName: FusedMomentumUpdate,
    appliesTo: (b, current) => onHost(b) && current === undefined,
    make: (b) => momentumUpdateKernel(b),
  },
  {
    kernelName: FusedSgdUpdate,
    appliesTo: (b, current) => onHost(b) && current === undefined,
    make: (b) => sgdUpdateKernel(b),
  },
];

/** The kernel names `installKernels` knows, in the order it installs them. */
export const KERNEL_NAMES: readonly string[] = OVERRIDES.map((o) => o.kernelName);

/** What one backend got from an `installKernels` call. */
export interface InstalledKernels {
  backend: string;
  kernels: string[];
}

export interface InstallKernelsOptions {
  /** Backends to patch (default: every backend registered so far). */
  backends?: string[];
  /** Kernels to install (default: all of {@link KERNEL_NAMES}). */
  kernels?: string[];
}

/** backend -> kernel name -> the config it replaced (undefined: there was none). */
const replaced = new Map<string, Map<string, tf.KernelConfig | undefined>>();

function checkNames(argument: string, names: unknown, allowed: readonly string[]): string[] {
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string' || !allowed.includes(n))) {
    throw new InvalidArgumentError(
      argument,
      names,
      `an array of names from [${allowed.join(', ')}]`,
    );
  }
  return names as string[];
}

/**
 * Registers this package's kernels for every registered backend that lacks the kernel or has
 * a slow one, and makes tfjs' Adam, Momentum and SGD optimizers use the fused updates where
 * the active backend has them. Opt-in global state, for apps (libraries never call it):
 * call it once at start-up, after importing the backends. Idempotent: a second call installs
 * only what is new (a backend registered since, say).
 *
 * | kernel | backends | why |
 * | --- | --- | --- |
 * | `BatchMatMul`, `_FusedMatMul` | wasm | transposed or batched products run a scalar loop; transpose / split first so XNNPACK runs them |
 * | `Conv2DBackpropFilter` | any that lacks it (wasm) | conv nets cannot train without it; one unrolling pass and one matMul |
 * | `Conv2DBackpropInput` | wasm | a scalar loop there; stride 1 runs as a forward conv (XNNPACK) |
 * | `MaxPoolGrad` | wasm | one pass over memory instead of a slow loop |
 * | `Slice` | wasm | wasm's copies its whole input first (a training set, for one batch); this one reads a view |
 * | `OverfitSeparableResample` | cpu, wasm | a resized crop in one pass (@overfit/augmentation's `randomResizedCrop` uses it) |
 * | `OverfitFusedAdamUpdate`, `OverfitFusedMomentumUpdate`, `OverfitFusedSgdUpdate` | cpu, wasm | one kernel per variable and step instead of ~12 |
 *
 * Returns what this call installed, per backend (backends that got nothing are left out).
 *
 * @example
 * import * as tf from '@tensorflow/tfjs';
 * import '@tensorflow/tfjs-backend-wasm';
 * import { installKernels } from '@overfit/kernels';
 * await tf.setBackend('wasm');
 * console.log(installKernels()); // [{ backend: 'cpu', kernels: [...] }, { backend: 'wasm', kernels: [...] }]
 */
export function installKernels(options: InstallKernelsOptions = {}): InstalledKernels[] {
  checkKnownKeys('options', options, ['backends', 'kernels']);
  const registered = Object.keys(tf.engine().registryFactory);
  const backends =
    options.backends === undefined
      ? registered
      : checkNames('options.backends', options.backends, registered);
  const wanted = new Set(
    options.kernels === undefined
      ? KERNEL_NAMES
      : checkNames('options.kernels', options.kernels, KERNEL_NAMES),
  );
  const result: InstalledKernels[] = [];
  for (const backendName of backends) {
    const done = replaced.get(backendName) ?? new Map<string, tf.KernelConfig | undefined>();
    const kernels: string[] = [];
    for (const override of OVERRIDES) {
      if (!wanted.has(override.kernelName) || done.has(override.kernelName)) continue;
      const current = tf.getKernel(override.kernelName, backendName);
      if (!override.appliesTo(backendName, current)) continue;
      if (current !== undefined) tf.unregisterKernel(override.kernelName, backendName);
      tf.registerKernel({
        kernelName: override.kernelName,
        backendName,
        kernelFunc: override.make(backendName, current?.kernelFunc),
        // The original's setup still has to run if the backend initializes after this call.
        ...(current?.setupFunc === undefined ? {} : { setupFunc: current.setupFunc }),
        ...(current?.disposeFunc === undefined ? {} : { disposeFunc: current.disposeFunc }),
      });
      done.set(override.kernelName, current);
      kernels.push(override.kernelName);
    }
    if (done.size > 0) replaced.set(backendName, done);
    if (kernels.length > 0) result.push({ backend: backendName, kernels });
  }
  if (result.length > 0) patchOptimizers();
  return result;
}

/** What is installed now, per backend. */
export function installedKernels(): InstalledKernels[] {
  return [...replaced].map(([backend, kernels]) => ({ backend, kernels: [...kernels.keys()] }));
}

/** Restores tfjs' own kernels and optimizers: undoes every {@link installKernels} call. */
export function uninstallKernels(): void {
  for (const [backendName, kernels] of replaced) {
    for (const [kernelName, original] of kernels) {
      tf.unregisterKernel(kernelName, backendName);
      if (original !== undefined) tf.registerKernel(original);
    }
  }
  replaced.clear();
  unpatchOptimizers();
}
