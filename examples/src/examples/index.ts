import type { Example } from '../lib/types.js';
import { activationsXorLosses } from './activations-xor-losses.js';
import { batchnormDropoutOrder } from './batchnorm-dropout-order.js';
import { initialization } from './initialization.js';
import { mcDropout } from './mc-dropout.js';
import { noisyRegression } from './noisy-regression.js';
import { vanishingGradients } from './vanishing-gradients.js';
import { weightDecayVsL2 } from './weight-decay-vs-l2.js';

/** Every example, in the order of the course. */
export const EXAMPLES: readonly Example[] = [
  noisyRegression,
  mcDropout,
  activationsXorLosses,
  initialization,
  vanishingGradients,
  weightDecayVsL2,
  batchnormDropoutOrder,
];

export function findExample(name: string): Example | undefined {
  return EXAMPLES.find((e) => e.name === name);
}
