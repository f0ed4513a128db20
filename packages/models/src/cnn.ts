import {
  checkInteger,
  checkKnownKeys,
  checkOneOf,
  checkRate,
  checkSeed,
  deriveSeed,
  InvalidArgumentError,
} from '@overfit/core';
import { Dropout } from '@overfit/regularizers';
import { layers, type Sequential, sequential } from '@tensorflow/tfjs-layers';
import {
  type ActivationName,
  activationLayer,
  checkActivationInit,
  checkModelName,
  checkShape,
  type InitializerName,
  makeInitializer,
  weightSeed,
} from './blocks.js';

/** Options of {@link cnn}; every field has the course's default. */
export interface CnnOptions {
  /** One image, NHWC without N (default `[28, 28, 1]`). */
  inputShape?: number[];
  /** Filters of the 3x3 conv layers, in order (default `[32, 64, 128]`). */
  filters?: number[];
  /** Conv padding (default `'same'`). */
  padding?: 'same' | 'valid';
  /** Units of the dense layer before the output (default 512). */
  denseUnits?: number;
  /** Rate of the seeded core {@link Dropout} after the dense layer (default 0.5; 0: no dropout layer). */
  dropout?: number;
  /** Number of outputs (default 10). */
  outputUnits?: number;
  /** Seeds every initializer and the dropout layer (via `deriveSeed(seed, name)`). */
  seed?: number;
  /** Nonlinearity after each conv and the dense layer (default `'relu'`; `leakyRelu` has slope 0.01, `LEAKY_RELU_ALPHA`). */
  activation?: ActivationName;
  /** Kernel initializer (default heNormal for relu/leakyRelu/elu, lecunNormal for selu, else glorotUniform); biases start at 0. */
  init?: InitializerName;
  /** Model name (default `'cnn'`). */
  name?: string;
}

const CNN_KEYS = [
  'inputShape',
  'filters',
  'padding',
  'denseUnits',
  'dropout',
  'outputUnits',
  'seed',
  'activation',
  'init',
  'name',
] as const;

/**
 * The course's small CNN for MNIST-like images (logits out). With the defaults the layers are:
 *
 * | layer | what | output (28x28x1 in) |
 * | --- | --- | --- |
 * | `conv_1`, `conv_1_activation` | 3x3 conv, 32 filters, stride 1, then relu | 28x28x32 |
 * | `conv_2`, `conv_2_activation` | 3x3 conv, 64 filters, then relu | 28x28x64 |
 * | `pool_2` | 2x2 max-pool, stride 2 | 14x14x64 |
 * | `conv_3`, `conv_3_activation` | 3x3 conv, 128 filters, then relu | 14x14x128 |
 * | `pool_3` | 2x2 max-pool | 7x7x128 |
 * | `flatten` | | 6272 |
 * | `dense_1`, `dense_1_activation` | dense 512, then relu | 512 |
 * | `dense_1_dropout` | core `Dropout(0.5)`, seeded | 512 |
 * | `output` | dense `outputUnits`, linear (logits) | 10 |
 *
 * In general: a max-pool `pool_k` follows every conv `conv_k` except the first. The MNIST
 * default has 3,309,578 parameters.
 *
 * @example
 * const model = cnn({ seed: 1 });                    // the course's network
 * const small = cnn({ inputShape: [8, 8, 1], filters: [4, 8], denseUnits: 16, seed: 1 });
 */
export function cnn(options: CnnOptions = {}): Sequential {
  if (options === null || typeof options !== 'object')
    throw new InvalidArgumentError('options', options, 'an options object');
  checkKnownKeys('options', options, CNN_KEYS);
  const inputShape =
    options.inputShape === undefined
      ? [28, 28, 1]
      : checkShape('options.inputShape', options.inputShape, 3, 3);
  const filters =
    options.filters === undefined
      ? [32, 64, 128]
      : checkShape('options.filters', options.filters, 1);
  const padding =
    options.padding === undefined
      ? 'same'
      : checkOneOf('options.padding', options.padding, ['same', 'valid']);
  const denseUnits =
    options.denseUnits === undefined ? 512 : checkInteger('options.denseUnits', options.denseUnits);
  const rate = options.dropout === undefined ? 0.5 : checkRate('options.dropout', options.dropout);
  const outputUnits =
    options.outputUnits === undefined
      ? 10
      : checkInteger('options.outputUnits', options.outputUnits);
  const seed = options.seed === undefined ? undefined : checkSeed('options.seed', options.seed);
  const { activation, init } = checkActivationInit(options.activation, options.init);
  const name = options.name === undefined ? 'cnn' : checkModelName('options.name', options.name);
  checkSpatialSize(inputShape, filters.length, padding);

  const stack: layers.Layer[] = [];
  filters.forEach((f, index) => {
    const k = index + 1;
    const convName = `conv_${k}`;
    stack.push(
      layers.conv2d({
        ...(index === 0 ? { inputShape } : {}),
        name: convName,
        filters: f,
        kernelSize: 3,
        strides: 1,
        padding,
        activation: 'linear',
        kernelInitializer: makeInitializer(init, weightSeed(seed, `${convName}/kernel`)),
        biasInitializer: 'zeros',
      }),
    );
    stack.push(activationLayer(activation, `${convName}_activation`));
    if (index > 0) stack.push(layers.maxPooling2d({ name: `pool_${k}`, poolSize: 2, strides: 2 }));
  });
  stack.push(layers.flatten({ name: 'flatten' }));
  stack.push(
    layers.dense({
      name: 'dense_1',
      units: denseUnits,
      kernelInitializer: makeInitializer(init, weightSeed(seed, 'dense_1/kernel')),
      biasInitializer: 'zeros',
    }),
  );
  stack.push(activationLayer(activation, 'dense_1_activation'));
  if (rate > 0)
    stack.push(
      new Dropout({
        rate,
        name: 'dense_1_dropout',
        seed: seed === undefined ? undefined : deriveSeed(seed, 'dense_1_dropout'),
      }),
    );
  stack.push(
    layers.dense({
      name: 'output',
      units: outputUnits,
      kernelInitializer: makeInitializer(init, weightSeed(seed, 'output/kernel')),
      biasInitializer: 'zeros',
    }),
  );
  return sequential({ layers: stack, name });
}

/** Fails early (not inside tfjs) when the convs and pools would shrink the image to nothing. */
function checkSpatialSize(inputShape: number[], convs: number, padding: 'same' | 'valid'): void {
  let [h, w] = inputShape as [number, number];
  for (let k = 0; k < convs; k++) {
    if (padding === 'valid') {
      h -= 2;
      w -= 2;
    }
    if (k > 0) {
      h = Math.floor(h / 2);
      w = Math.floor(w / 2);
    }
    if (h < 1 || w < 1) {
      throw new InvalidArgumentError(
        'options.inputShape',
        inputShape,
        `large enough for ${convs} 3x3 convs ('${padding}') and ${convs - 1} 2x2 pools`,
      );
    }
  }
}
