export * from './adapters.js';
export {
  Augmentation,
  type AugmentationConfig,
  type BatchShape,
  type Json,
} from './augmentation.js';
export * from './compose.js';
export * from './elastic.js';
export * from './erasing.js';
export * from './geometric.js';
export type { WarpArgs } from './geometric-base.js';
export * from './guards.js';
export * from './mixing.js';
export type { FillMode, Interpolation } from './ops/warp.js';
export * from './photometric.js';
export * from './policies.js';
export { type MagnitudeContext, POLICY_OP_SPECS, type PolicyOpSpec } from './policy-ops.js';
export type { Range, RangeArg } from './ranges.js';
export { augmentationFromConfig, describeAugmentation, TRANSFORMS } from './registry.js';
export { parseAugmentationSpec, presets } from './spec.js';
export {
  registeredTransforms,
  registerTransform,
  type TransformFactory,
  type TransformMeta,
  type TransformSpec,
} from './transform-registry.js';
