import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { type BackendChoice, selectBackend } from '@overfit/core';
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
      await import(pkg);
      return;
    } catch (error) {
      reasons.push(`${pkg}: ${firstLine(error)}`);
    }
  }
  throw new Error(reasons.join('; '));
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.slice(0, 160);
}

/** Picks the backend for `--backend` (auto: tensorflow, wasm, cpu) and says why others failed. */
export function chooseBackend(preference: TrainConfig['backend']): Promise<BackendChoice> {
  const tensorflow = { name: 'tensorflow', load: loadNativeTensorflow };
  const candidates = preference === 'auto' ? [tensorflow, 'wasm', 'cpu'] : [preference === 'tensorflow' ? tensorflow : preference];
  return selectBackend(candidates);
}
