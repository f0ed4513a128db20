import * as tf from '@tensorflow/tfjs-core';
import { OverfitError } from './errors.js';

/**
 * Throws an {@link OverfitError} unless tfjs' gradient functions are registered.
 *
 * `@tensorflow/tfjs-core` alone registers none, and training then dies deep inside tfjs with
 * "gradient function not found for RealDiv". Call this before training to fail early with the fix.
 *
 * @example
 * import '@tensorflow/tfjs'; // registers gradients (Node: or '@tensorflow/tfjs-node')
 * assertGradientsRegistered();
 */
export function assertGradientsRegistered(): void {
  if (typeof tf.getGradient('RealDiv')?.gradFunc !== 'function') {
    throw new OverfitError(
      "tfjs gradients are not registered (no gradient for 'RealDiv'): import '@tensorflow/tfjs' (Node: or tfjs-node) " +
        "or '@tensorflow/tfjs-core/dist/register_all_gradients' (bundled browser code) before training",
    );
  }
}
