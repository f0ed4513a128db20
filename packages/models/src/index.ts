export {
  ACTIVATIONS,
  type ActivationName,
  INITIALIZERS,
  type InitializerName,
  LEAKY_RELU_ALPHA,
  makeInitializer,
  TRUNCATED_NORMAL_STD,
} from './blocks.js';
export { type CnnOptions, cnn } from './cnn.js';
export { type DenseLayerArgs, type Layer, type MlpOptions, mlp } from './mlp.js';
export { freeze, type ReplaceHeadOptions, replaceHead, unfreeze } from './transfer.js';
