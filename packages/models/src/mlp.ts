import {
  checkBoolean,
  checkInteger,
  checkKnownKeys,
  checkNumber,
  checkOneOf,
  checkRate,
  checkSeed,
  deriveSeed,
  InvalidArgumentError,
} from '@overfit/core';
import { DropConnectDense, Dropout, WeightNormalization } from '@overfit/regularizers';
import { layers, type Sequential, sequential } from '@tensorflow/tfjs-layers';
import {
  type ActivationName,
  activationLayer,
  checkActivationInit,
  checkLayer,
  checkModelName,
  checkShape,
  type InitializerName,
  makeInitializer,
  weightSeed,
} from './blocks.js';

/** Arguments tfjs-layers' `layers.dense` takes. */
export type DenseLayerArgs = Parameters<typeof layers.dense>[0];
/** Any tfjs-layers layer. */
export type Layer = layers.Layer;

/** Options of {@link mlp}. */
export interface MlpOptions {
  /** Shape of one sample, without the batch axis (`[784]`, or `[28, 28, 1]`: flattened first). */
  inputShape: number[];
  /** Width of each hidden layer, e.g. `[100, 100]`. Not together with `depth` / `width`. */
  hiddenUnits?: number[];
  /** Number of hidden layers (default 2 when `hiddenUnits` is not given). */
  depth?: number;
  /** Width of every hidden layer (default 256). */
  width?: number;
  /** Hidden nonlinearity (default `'relu'`; `leakyRelu` has slope `leakyAlpha`; `selu` is self-normalizing). */
  activation?: ActivationName;
  /** Negative slope of `leakyRelu`, >= 0 (default 0.01, PyTorch's); only with that activation. */
  leakyAlpha?: number;
  /** Weight initializer of every dense kernel (default heNormal for relu/leakyRelu/elu, lecunNormal for selu, else glorotUniform). Biases start at 0. */
  init?: InitializerName;
  /** Number of outputs (classes). */
  outputUnits: number;
  /** `'linear'` (default: logits, for softmax cross-entropy from logits) or `'softmax'`. */
  outputActivation?: 'linear' | 'softmax';
  /** Rate of a seeded core {@link Dropout} after each hidden block (default 0: no dropout layer). */
  dropout?: number;
  /** Seeds every initializer and dropout layer (via `deriveSeed(seed, weightOrLayerName)`). */
  seed?: number;
  /** Passed to every dense layer, the output layer included. */
  kernelRegularizer?: DenseLayerArgs['kernelRegularizer'];
  /** Passed to every dense layer, the output layer included. */
  biasRegularizer?: DenseLayerArgs['biasRegularizer'];
  /** Passed to every dense layer, the output layer included. */
  kernelConstraint?: DenseLayerArgs['kernelConstraint'];
  /** Extra layers for hidden block `i` (1-based, as in `hidden_i`), placed after its activation and before its dropout. */
  afterHidden?: (index: number) => Layer[];
  /** Builds hidden layer `hidden_i` instead of `layers.dense` (e.g. a DropConnect dense); must keep `args.name`. */
  hiddenLayer?: (args: DenseLayerArgs & { name: string }) => Layer;
  /**
   * Weight normalization (Salimans & Kingma 2016) of every Dense layer, hidden and output:
   * each is wrapped in `WeightNormalization` from `@overfit/regularizers` (`w = g v / ||v||`
   * per unit, PyTorch's `weight_norm(dim=0)`). Not together with `hiddenLayer`. Default false.
   */
  weightNorm?: boolean;
  /**
   * DropConnect (Wan et al. 2013) on every hidden layer: `hidden_i` is a `DropConnectDense` from
   * `@overfit/regularizers` dropping this fraction of its weights each training step, in [0, 1),
   * its mask seeded from `seed` (`<name>/dropconnect`); the initial weights are the same as
   * without it. Not together with `hiddenLayer` or `weightNorm`. Default 0 (plain Dense).
   */
  dropConnect?: number;
  /** Model name (default `'mlp'`). */
  name?: string;
}

const MLP_KEYS = [
  'inputShape',
  'hiddenUnits',
  'depth',
  'width',
  'activation',
  'leakyAlpha',
  'init',
  'outputUnits',
  'outputActivation',
  'dropout',
  'seed',
  'kernelRegularizer',
  'biasRegularizer',
  'kernelConstraint',
  'afterHidden',
  'hiddenLayer',
  'weightNorm',
  'dropConnect',
  'name',
] as const;

function checkFunction(argument: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function')
    throw new InvalidArgumentError(argument, value, 'a function');
}

function hiddenWidths(options: MlpOptions): number[] {
  const { hiddenUnits, depth, width } = options;
  if (hiddenUnits !== undefined) {
    if (depth !== undefined || width !== undefined) {
      throw new InvalidArgumentError(
        'options.hiddenUnits',
        hiddenUnits,
        'given without options.depth / options.width (use one or the other)',
      );
    }
    if (!Array.isArray(hiddenUnits))
      throw new InvalidArgumentError(
        'options.hiddenUnits',
        hiddenUnits,
        'an array of positive integers',
      );
    hiddenUnits.forEach((u, i) => {
      checkInteger(`options.hiddenUnits[${i}]`, u);
    });
    return [...hiddenUnits];
  }
  const d = depth === undefined ? 2 : checkInteger('options.depth', depth, { min: 0 });
  const w = width === undefined ? 256 : checkInteger('options.width', width);
  return Array.from({ length: d }, () => w);
}

/**
 * A multilayer perceptron (tfjs-layers `Sequential`) built from one options object, with
 * stable layer names that parameter selection, statistics and activation capture use:
 *
 * | layer | what |
 * | --- | --- |
 * | `flatten` | only when `inputShape` has rank > 1 |
 * | `hidden_i` | dense, linear (pre-activation), i = 1..n |
 * | `hidden_i_activation` | the nonlinearity |
 * | *afterHidden(i)* | your layers (e.g. BatchNorm), in the order returned |
 * | `hidden_i_dropout` | core `Dropout(rate)`, only when `dropout > 0` |
 * | `output` | dense, `outputUnits`, linear (logits) or softmax |
 *
 * Block i computes `h_i = dropout(act(W_i h_{i-1} + b_i))`. With `seed`, the kernel of layer
 * `L` is drawn with seed `deriveSeed(seed, 'L/kernel')` and dropout `L` uses
 * `deriveSeed(seed, 'L')`, so the same seed gives the same weights and masks. Two models with
 * the same layer names coexist (tfjs suffixes the variable names, e.g. `hidden_1/kernel_1`).
 *
 * @example
 * const model = mlp({ inputShape: [784], depth: 3, width: 256, dropout: 0.15, outputUnits: 10, seed: 1 });
 * const logits = model.predict(tf.zeros([2, 784])) as tf.Tensor; // [2, 10]
 */
export function mlp(options: MlpOptions): Sequential {
  if (options === undefined || options === null)
    throw new InvalidArgumentError('options', options, 'an options object');
  checkKnownKeys('options', options, MLP_KEYS);
  const inputShape = checkShape('options.inputShape', options.inputShape, 1);
  const widths = hiddenWidths(options);
  const { activation, init } = checkActivationInit(options.activation, options.init);
  if (options.leakyAlpha !== undefined && activation !== 'leakyRelu') {
    throw new InvalidArgumentError(
      'options.leakyAlpha',
      options.leakyAlpha,
      `left out unless options.activation is 'leakyRelu' (it is '${activation}')`,
    );
  }
  const leakyAlpha =
    options.leakyAlpha === undefined
      ? undefined
      : checkNumber('options.leakyAlpha', options.leakyAlpha, { min: 0 });
  const outputUnits = checkInteger('options.outputUnits', options.outputUnits);
  const outputActivation =
    options.outputActivation === undefined
      ? 'linear'
      : checkOneOf('options.outputActivation', options.outputActivation, ['linear', 'softmax']);
  const rate = options.dropout === undefined ? 0 : checkRate('options.dropout', options.dropout);
  const seed = options.seed === undefined ? undefined : checkSeed('options.seed', options.seed);
  checkFunction('options.afterHidden', options.afterHidden);
  checkFunction('options.hiddenLayer', options.hiddenLayer);
  const weightNorm =
    options.weightNorm === undefined
      ? false
      : checkBoolean('options.weightNorm', options.weightNorm);
  if (weightNorm && options.hiddenLayer !== undefined) {
    throw new InvalidArgumentError(
      'options.weightNorm',
      true,
      'left out with options.hiddenLayer (wrap your layer in WeightNormalization there)',
    );
  }
  const dropConnect =
    options.dropConnect === undefined ? 0 : checkRate('options.dropConnect', options.dropConnect);
  if (dropConnect > 0 && (options.hiddenLayer !== undefined || weightNorm)) {
    throw new InvalidArgumentError(
      'options.dropConnect',
      dropConnect,
      'left out with options.hiddenLayer and options.weightNorm',
    );
  }
  // The wrapper takes the Dense's name and input shape, so the model reads the same.
  const dense = (args: DenseLayerArgs): Layer =>
    weightNorm ? new WeightNormalization({ layer: layers.dense(args) }) : layers.dense(args);
  const hiddenDense = (args: DenseLayerArgs & { name: string }): Layer =>
    dropConnect > 0
      ? new DropConnectDense({
          units: args.units,
          rate: dropConnect,
          name: args.name,
          seed: seed === undefined ? undefined : deriveSeed(seed, `${args.name}/dropconnect`),
          // The seeded initializer: the same initial weights as without DropConnect.
          kernelInitializer: args.kernelInitializer as never,
          kernelRegularizer: args.kernelRegularizer as never,
          biasRegularizer: args.biasRegularizer as never,
          kernelConstraint: args.kernelConstraint as never,
          inputShape: args.inputShape as number[] | undefined,
        })
      : dense(args);
  const name = options.name === undefined ? 'mlp' : checkModelName('options.name', options.name);

  const shared = {
    biasInitializer: 'zeros' as const,
    kernelRegularizer: options.kernelRegularizer,
    biasRegularizer: options.biasRegularizer,
    kernelConstraint: options.kernelConstraint,
  };
  const stack: Layer[] = [];
  const flatten = inputShape.length > 1;
  if (flatten) stack.push(layers.flatten({ name: 'flatten', inputShape }));
  const firstInput = (index: number) => (index === 0 && !flatten ? { inputShape } : {});

  widths.forEach((units, index) => {
    const i = index + 1;
    const layerName = `hidden_${i}`;
    const args = {
      ...shared,
      ...firstInput(index),
      name: layerName,
      units,
      activation: 'linear' as const,
      kernelInitializer: makeInitializer(init, weightSeed(seed, `${layerName}/kernel`)),
    };
    stack.push(
      options.hiddenLayer
        ? checkLayer(`options.hiddenLayer`, options.hiddenLayer(args), layerName)
        : hiddenDense(args),
    );
    stack.push(activationLayer(activation, `${layerName}_activation`, leakyAlpha));
    if (options.afterHidden) {
      const extra = options.afterHidden(i);
      if (!Array.isArray(extra))
        throw new InvalidArgumentError(
          'options.afterHidden',
          extra,
          `an array of layers (returned for hidden layer ${i})`,
        );
      extra.forEach((layer, k) => {
        stack.push(checkLayer(`options.afterHidden(${i})[${k}]`, layer));
      });
    }
    if (rate > 0) {
      const dropoutName = `${layerName}_dropout`;
      stack.push(
        new Dropout({
          rate,
          name: dropoutName,
          seed: seed === undefined ? undefined : deriveSeed(seed, dropoutName),
        }),
      );
    }
  });

  stack.push(
    dense({
      ...shared,
      ...firstInput(widths.length),
      name: 'output',
      units: outputUnits,
      activation: outputActivation,
      kernelInitializer: makeInitializer(init, weightSeed(seed, 'output/kernel')),
    }),
  );
  return sequential({ layers: stack, name });
}
