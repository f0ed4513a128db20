export { type FetchLike, loadMnistFromUrl } from './fetch.js';
export {
  type IdxArray,
  type IdxDtype,
  type IdxTypedArray,
  type ParseIdxOptions,
  parseIdx,
} from './idx.js';
export {
  checkMnistOptions,
  MNIST_FILE_NAMES,
  type MnistData,
  type MnistFiles,
  type MnistNormalization,
  type MnistOptions,
  mnistFromIdx,
  type ResolvedMnistOptions,
  type Split,
} from './mnist.js';
export { computeMeanStd, type MeanStd, standardize } from './normalize.js';
export { type SplitTensors, type SplitToTensorsOptions, splitToTensors } from './tensors.js';
