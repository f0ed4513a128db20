export * from './errors.js';
export * from './validate.js';
export * from './rng.js';
export type * from './contracts.js';
export { StochasticLayer, type StochasticLayerArgs, type CallKwargs } from './layers/stochastic.js';
export { Dropout, dropout, type DropoutArgs } from './layers/dropout.js';
