// Composition: a pipeline is itself a transform; per-image choices run each child once on its images.

export * from './choice.js';
export * from './pipeline.js';
export * from './sequence.js';
export { asAugmentation } from './subsets.js';
