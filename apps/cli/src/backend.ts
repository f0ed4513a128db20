import { type BackendChoice, selectBackend } from '@overfit/core';
import { installedKernels, installKernels } from '@overfit/kernels';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

// The CLI prints the backend it chose and why; tfjs' own "install the node backend" banner on
// first use of cpu would only repeat that.
tf.env().set('PROD', true);

import type { TrainConfig } from './args.js';

/**
 * Loads TensorFlow's native backend: CUDA through tfjs-node-gpu first, then tfjs-node. Both are
 * optional dependencies whose install script downloads libtensorflow; where that was not
 * possible, their import throws a plain Error, and we say why and move on.
 */
async function loadNativeTensorflow(): Promise<void> {
  const reasons: string[] = [];
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await withoutReRegistrationWarnings(() => import(pkg));
      return;
    } catch (error) {
      reasons.push(`${pkg}: ${explainLoadFailure(error)}`);
    }
  }
  throw new Error(reasons.join('; '));
}

/**
 * A failed tfjs-node-gpu import has already registered its kernels when the native addon turns
 * out to be missing, so the tfjs-node attempt after it would print one "already registered"
 * warning per kernel. Those warnings say nothing useful here.
 */
async function withoutReRegistrationWarnings<T>(load: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!(typeof args[0] === 'string' && / is already registered$/.test(args[0]))) warn(...args);
  };
  try {
    return await load();
  } finally {
    console.warn = warn;
  }
}

function explainLoadFailure(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  if (/tfjs_binding\.node/.test(text))
    return 'native addon missing (its install script downloads libtensorflow; not possible offline)';
  if (/Cannot find (module|package)/.test(text)) return 'not installed';
  return text.split('\n')[0]!.slice(0, 160);
}

/** Picks the backend for `--backend` (auto: tensorflow, wasm, cpu) and says why others failed. */
export function chooseBackend(preference: TrainConfig['backend']): Promise<BackendChoice> {
  const tensorflow = { name: 'tensorflow', load: loadNativeTensorflow };
  const candidates =
    preference === 'auto'
      ? [tensorflow, 'wasm', 'cpu']
      : [preference === 'tensorflow' ? tensorflow : preference];
  return selectBackend(candidates);
}

/**
 * Installs @overfit/kernels (faster and missing tfjs kernels) and says what the chosen backend
 * got: one line for the run's log.
 */
export function installFastKernels(backendName: string): string {
  installKernels();
  const kernels = installedKernelsFor(backendName);
  return kernels.length === 0
    ? `kernels: tfjs' own (@overfit/kernels has none for ${backendName})`
    : `kernels: @overfit/kernels on ${backendName}: ${kernels.join(', ')}`;
}

function installedKernelsFor(backendName: string): string[] {
  return installedKernels().find((k) => k.backend === backendName)?.kernels ?? [];
}
