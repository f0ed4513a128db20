import { InvalidArgumentError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { installedKernels, installKernels, KERNEL_NAMES, uninstallKernels } from './install.js';

const WASM_KERNELS = [
  'BatchMatMul',
  '_FusedMatMul',
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'MaxPoolGrad',
  'Slice',
  'OverfitSeparableResample',
  'OverfitFusedAdamUpdate',
  'OverfitFusedMomentumUpdate',
  'OverfitFusedSgdUpdate',
];
const CPU_KERNELS = [
  'OverfitSeparableResample',
  'OverfitFusedAdamUpdate',
  'OverfitFusedMomentumUpdate',
  'OverfitFusedSgdUpdate',
];

describe('installKernels', () => {
  afterEach(() => {
    uninstallKernels();
  });

  it('installs per backend what it lacks or runs slowly, and says what', () => {
    expect(KERNEL_NAMES).toEqual(expect.arrayContaining(WASM_KERNELS));
    const installed = installKernels();
    expect(installed).toEqual([
      { backend: 'cpu', kernels: CPU_KERNELS },
      { backend: 'wasm', kernels: WASM_KERNELS },
    ]);
    expect(installedKernels()).toEqual(installed);
    // Idempotent: a second call has nothing left to install.
    expect(installKernels()).toEqual([]);
    expect(installedKernels()).toEqual(installed);
  });

  it('restores the very kernels tfjs registered', () => {
    const own = tf.getKernel('BatchMatMul', 'wasm')!;
    installKernels();
    expect(tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc).not.toBe(own.kernelFunc);
    uninstallKernels();
    expect(tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc).toBe(own.kernelFunc);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    expect(tf.getKernel('OverfitFusedAdamUpdate', 'cpu')).toBeUndefined();
    expect(installedKernels()).toEqual([]);
  });

  it('takes a subset of backends and kernels', () => {
    expect(installKernels({ backends: ['wasm'], kernels: ['BatchMatMul'] })).toEqual([
      { backend: 'wasm', kernels: ['BatchMatMul'] },
    ]);
    expect(installKernels({ backends: ['cpu'] })).toEqual([
      { backend: 'cpu', kernels: CPU_KERNELS },
    ]);
  });

  it('refuses unknown options, backends and kernels before installing anything', () => {
    expect(() => installKernels({ backends: ['webgpu'] })).toThrow(InvalidArgumentError);
    expect(() => installKernels({ backends: ['webgpu'] })).toThrow(
      'options.backends must be an array of names from [',
    );
    expect(() => installKernels({ kernels: ['Conv3D'] })).toThrow(
      'options.kernels must be an array of names from [BatchMatMul',
    );
    expect(() => installKernels({ backend: 'cpu' } as never)).toThrow(/backend/);
    expect(installedKernels()).toEqual([]);
  });
});
