export { AlphaDropout, type AlphaDropoutArgs } from './alpha-dropout.js';
export { DropBlock2D, type DropBlock2DArgs } from './dropblock.js';
export {
  type DropConnectActivation,
  DropConnectDense,
  type DropConnectDenseArgs,
} from './dropconnect.js';
export { Dropout, type DropoutArgs, type DropoutOptions, dropout } from './dropout.js';
export {
  GaussianDropout,
  type GaussianDropoutArgs,
  GaussianNoise,
  type GaussianNoiseArgs,
} from './gaussian.js';
export { SpatialDropout2D, type SpatialDropout2DArgs } from './spatial-dropout.js';
export { type CallKwargs, StochasticLayer, type StochasticLayerArgs } from './stochastic.js';
export { StochasticDepth, type StochasticDepthArgs } from './stochastic-depth.js';
export {
  WeightNormalization,
  type WeightNormalizationArgs,
  type WeightNormalizedClass,
} from './weight-norm.js';
