import {
  checkBoolean,
  checkInteger,
  checkOneOf,
  checkRate,
  deriveSeed,
  ShapeError,
} from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { initializers, type LayerVariable } from '@tensorflow/tfjs-layers';
import {
  type Constraint,
  deserializeObject,
  type Regularizer,
  registerSerializable,
  serializeObject,
} from '../tfjs-bases.js';
import { StochasticLayer, type StochasticLayerArgs } from './stochastic.js';

type Initializer = ReturnType<typeof initializers.glorotUniform>;

const ACTIVATIONS = {
  linear: (x: tf.Tensor) => x,
  relu: (x: tf.Tensor) => tf.relu(x),
  relu6: (x: tf.Tensor) => tf.relu6(x),
  elu: (x: tf.Tensor) => tf.elu(x),
  selu: (x: tf.Tensor) => tf.selu(x),
  sigmoid: (x: tf.Tensor) => tf.sigmoid(x),
  tanh: (x: tf.Tensor) => tf.tanh(x),
  softplus: (x: tf.Tensor) => tf.softplus(x),
  softmax: (x: tf.Tensor) => tf.softmax(x),
} as const;

/** Activations {@link DropConnectDense} accepts, by tfjs-layers name. */
export type DropConnectActivation = keyof typeof ACTIVATIONS;

/** Arguments of {@link DropConnectDense}: those of `layers.dense` plus `rate`. */
export interface DropConnectDenseArgs extends StochasticLayerArgs {
  /** Output size. */
  units: number;
  /** Fraction of weights dropped each training step, in [0, 1). */
  rate: number;
  /** Default `'linear'`. */
  activation?: DropConnectActivation;
  /** Default true. The bias is never dropped. */
  useBias?: boolean;
  /** Default Glorot uniform seeded from the layer's seed. */
  kernelInitializer?: Initializer;
  /** Default zeros. */
  biasInitializer?: Initializer;
  kernelRegularizer?: Regularizer;
  biasRegularizer?: Regularizer;
  kernelConstraint?: Constraint;
  biasConstraint?: Constraint;
}

/**
 * Dense layer with DropConnect (Wan et al. 2013): drops weights, not activations. Each
 * training step draws one Bernoulli mask `M` over the kernel (shared by the batch):
 * `y = act(x (W * M) / (1 - rate) + b)`, `M ~ Bernoulli(1 - rate)`, so `E[y_pre] = x W + b`;
 * inference uses `act(x W + b)` (the mean network, as inverted dropout does).
 *
 * @example new DropConnectDense({ units: 64, rate: 0.3, activation: 'relu', seed: 5 })
 */
export class DropConnectDense extends StochasticLayer {
  static className = 'OverfitDropConnectDense';
  readonly units: number;
  readonly rate: number;
  readonly activation: DropConnectActivation;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kernelRegularizer: Regularizer | undefined;
  readonly biasRegularizer: Regularizer | undefined;
  readonly kernelConstraint: Constraint | undefined;
  readonly biasConstraint: Constraint | undefined;
  private kernel: LayerVariable | undefined;
  private bias: LayerVariable | undefined;

  constructor(args: DropConnectDenseArgs) {
    const {
      units,
      rate,
      activation,
      useBias,
      kernelInitializer,
      biasInitializer,
      kernelRegularizer,
      biasRegularizer,
      kernelConstraint,
      biasConstraint,
      ...base
    } = args ?? ({} as DropConnectDenseArgs);
    super(base);
    this.units = checkInteger('units', units);
    this.rate = checkRate('rate', rate);
    this.activation = checkOneOf(
      'activation',
      activation ?? 'linear',
      Object.keys(ACTIVATIONS) as DropConnectActivation[],
    );
    this.useBias = checkBoolean('useBias', useBias ?? true);
    // Accept instances or their `{ className, config }` (what `getConfig` wrote).
    this.kernelInitializer =
      deserializeObject<Initializer>(kernelInitializer) ??
      initializers.glorotUniform({ seed: deriveSeed(this.seed, 'kernel') });
    this.biasInitializer = deserializeObject<Initializer>(biasInitializer) ?? initializers.zeros();
    this.kernelRegularizer = deserializeObject<Regularizer>(kernelRegularizer);
    this.biasRegularizer = deserializeObject<Regularizer>(biasRegularizer);
    this.kernelConstraint = deserializeObject<Constraint>(kernelConstraint);
    this.biasConstraint = deserializeObject<Constraint>(biasConstraint);
  }

  override build(inputShape: (number | null)[] | (number | null)[][]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    const inputDim = shape[shape.length - 1];
    if (shape.length < 2 || typeof inputDim !== 'number') {
      throw new ShapeError(
        `DropConnectDense needs a known last input dimension, got shape [${shape.join(', ')}]`,
      );
    }
    this.kernel = this.addWeight(
      'kernel',
      [inputDim, this.units],
      'float32',
      this.kernelInitializer,
      this.kernelRegularizer,
      true,
      this.kernelConstraint,
    );
    if (this.useBias) {
      this.bias = this.addWeight(
        'bias',
        [this.units],
        'float32',
        this.biasInitializer,
        this.biasRegularizer,
        true,
        this.biasConstraint,
      );
    }
    this.built = true;
  }

  override computeOutputShape(
    inputShape: (number | null)[] | (number | null)[][],
  ): (number | null)[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    return [...shape.slice(0, -1), this.units];
  }

  protected override training(x: tf.Tensor): tf.Tensor {
    const kernel = this.kernel!.read();
    const seed = this.nextSeed();
    if (this.rate === 0) return this.dense(x, kernel);
    const keep = tf.cast(
      tf.greaterEqual(tf.randomUniform(kernel.shape, 0, 1, 'float32', seed), this.rate),
      'float32',
    );
    return this.dense(x, tf.mul(kernel, tf.div(keep, 1 - this.rate)));
  }

  protected override inference(x: tf.Tensor): tf.Tensor {
    return this.dense(x, this.kernel!.read());
  }

  private dense(x: tf.Tensor, kernel: tf.Tensor): tf.Tensor {
    const inputDim = kernel.shape[0]!;
    const flat = x.rank === 2 ? x : tf.reshape(x, [-1, inputDim]);
    let y: tf.Tensor = tf.matMul(flat as tf.Tensor2D, kernel as tf.Tensor2D);
    if (this.bias !== undefined) y = tf.add(y, this.bias.read());
    y = ACTIVATIONS[this.activation](y);
    return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), this.units]);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      units: this.units,
      rate: this.rate,
      activation: this.activation,
      useBias: this.useBias,
      kernelInitializer: serializeObject(this.kernelInitializer),
      biasInitializer: serializeObject(this.biasInitializer),
      kernelRegularizer: serializeObject(this.kernelRegularizer),
      biasRegularizer: serializeObject(this.biasRegularizer),
      kernelConstraint: serializeObject(this.kernelConstraint),
      biasConstraint: serializeObject(this.biasConstraint),
    };
  }
}
registerSerializable(DropConnectDense, 'layer');
