export * from './backend.js';
export * from './capture.js';
export type * from './contracts.js';
export * from './data/index.js';
export * from './errors.js';
export * from './fused.js';
export * from './gradients.js';
export { Dropout, type DropoutArgs, dropout } from './layers/dropout.js';
export { type CallKwargs, StochasticLayer, type StochasticLayerArgs } from './layers/stochastic.js';
export * from './models/index.js';
export * from './params.js';
export * from './rng.js';
export {
  checkTfjsInstances,
  describeTfjsInstances,
  findTfjsInstances,
  type TfjsInstance,
} from './tfjs-instances.js';
export * from './validate.js';
