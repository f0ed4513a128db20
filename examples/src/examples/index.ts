import type { Example } from '../lib/types.js';
import { activationsXorLosses } from './activations-xor-losses.js';
import { augmentationGallery } from './augmentation-gallery.js';
import { batchnormDropoutOrder } from './batchnorm-dropout-order.js';
import { cnnMnist } from './cnn-mnist.js';
import { dropoutVariants } from './dropout-variants.js';
import { earlyStopping } from './early-stopping.js';
import { initialization } from './initialization.js';
import { l1Sparsity } from './l1-sparsity.js';
import { labelSmoothing } from './label-smoothing.js';
import { mcDropout } from './mc-dropout.js';
import { noisyRegression } from './noisy-regression.js';
import { transferLearning } from './transfer-learning.js';
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
  dropoutVariants,
  labelSmoothing,
  earlyStopping,
  l1Sparsity,
  augmentationGallery,
  transferLearning,
  cnnMnist,
];

export function findExample(name: string): Example | undefined {
  return EXAMPLES.find((e) => e.name === name);
}
