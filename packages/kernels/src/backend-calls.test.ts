import { UnsupportedBackendError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { callKernel } from './backend-calls.js';

describe('callKernel', () => {
  it('names the kernel and backend it cannot find (an UnsupportedBackendError)', () => {
    const call = () =>
      callKernel('NoSuchKernel', 'cpu', { inputs: {}, backend: tf.findBackend('cpu')! });
    expect(call).toThrow(UnsupportedBackendError);
    expect(call).toThrow(
      "@overfit/kernels needs the kernel NoSuchKernel on backend 'cpu', which does not register it",
    );
  });
});
