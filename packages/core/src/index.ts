export * from './backend.js';
export * from './capture.js';
export type * from './contracts.js';
export * from './errors.js';
export * from './fused.js';
export * from './gradients.js';
export * from './params.js';
export * from './registry.js';
export * from './rng.js';
export * from './selection-config.js';
export {
  checkTfjsInstances,
  describeTfjsInstances,
  findTfjsInstances,
  type TfjsInstance,
} from './tfjs-instances.js';
export * from './validate.js';
