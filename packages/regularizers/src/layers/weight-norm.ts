import { InvalidArgumentError, ShapeError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { initializers, type LayerVariable, layers } from '@tensorflow/tfjs-layers';
import {
  type Constraint,
  deserializeObject,
  type Regularizer,
  registerSerializable,
} from '../tfjs-bases.js';

type Initializer = ReturnType<typeof initializers.glorotUniform>;
type Shape = (number | null)[];

/** The layers {@link WeightNormalization} wraps, by tfjs-layers class name. */
export type WeightNormalizedClass = 'Dense' | 'Conv2D';

/** Arguments of {@link WeightNormalization}. */
export interface WeightNormalizationArgs {
  /**
   * The layer to reparametrize: a `tf.layers.dense(...)` or `tf.layers.conv2d(...)` (channels
   * last), or its `{ className, config }`. Only its configuration is used: the wrapper owns the
   * weights. Its `inputShape` and `name` become the wrapper's unless given here.
   */
  layer: layers.Layer | { className: string; config: tf.serialization.ConfigDict };
  name?: string;
  trainable?: boolean;
  inputShape?: Shape;
  batchInputShape?: Shape;
}

function innerSpec(value: unknown): {
  className: WeightNormalizedClass;
  config: tf.serialization.ConfigDict;
} {
  const spec =
    value instanceof layers.Layer
      ? { className: value.getClassName(), config: value.getConfig() }
      : (value as { className?: unknown; config?: unknown } | null);
  const className = spec?.className;
  if (className !== 'Dense' && className !== 'Conv2D') {
    throw new InvalidArgumentError(
      'layer',
      typeof className === 'string' ? `a ${className} layer` : value,
      'a tf.layers.dense(...) or tf.layers.conv2d(...) layer (or its { className, config })',
    );
  }
  const config = (spec!.config ?? {}) as tf.serialization.ConfigDict;
  if (className === 'Conv2D' && config.dataFormat === 'channelsFirst') {
    throw new InvalidArgumentError('layer.dataFormat', 'channelsFirst', "'channelsLast'");
  }
  return { className, config };
}

const pair = (v: unknown, fallback: number): [number, number] =>
  Array.isArray(v)
    ? [Number(v[0]), Number(v[1] ?? v[0])]
    : v == null
      ? [fallback, fallback]
      : [Number(v), Number(v)];

/**
 * Weight normalization (Salimans & Kingma 2016) of a Dense or Conv2D layer, PyTorch's
 * `torch.nn.utils.parametrizations.weight_norm(module, dim=0)`: the kernel is
 * `w = g * v / ||v||` per output unit (the norm over every kernel axis but the last, the
 * output one), and `v` (weight `kernel`, the direction; kind 'kernel') and `g` (weight `g`,
 * `[units]`, the length) are trained instead of `w`. `g` starts at `||v||`, so the initial
 * kernel is the wrapped layer's (PyTorch's initialization; no data-dependent init). The
 * wrapped layer's activation, bias, initializers, regularizers and constraints apply (its
 * kernel regularizer and constraint act on `v`). No epsilon: a zero column of `v` gives NaN,
 * as in PyTorch.
 *
 * Serializable (`OverfitWeightNormalization`, with the wrapped layer's `{ className, config }`).
 *
 * @example
 * const model = tf.sequential({ layers: [
 *   new WeightNormalization({ layer: tf.layers.dense({ units: 64, activation: 'relu', inputShape: [784] }) }),
 *   new WeightNormalization({ layer: tf.layers.dense({ units: 10 }) }),
 * ] });
 */
export class WeightNormalization extends layers.Layer {
  static className = 'OverfitWeightNormalization';
  /** The wrapped layer's class name and configuration. */
  readonly inner: {
    readonly className: WeightNormalizedClass;
    readonly config: tf.serialization.ConfigDict;
  };
  private readonly units: number;
  private readonly useBias: boolean;
  private readonly activationLayer: layers.Layer;
  private v: LayerVariable | undefined;
  private g: LayerVariable | undefined;
  private bias: LayerVariable | undefined;

  constructor(args: WeightNormalizationArgs) {
    const { layer, ...base } = args ?? ({} as WeightNormalizationArgs);
    const inner = innerSpec(layer);
    const shape = inner.config.batchInputShape as Shape | undefined;
    const name = (base.name ?? inner.config.name) as string | undefined;
    super({
      ...base,
      ...(name === undefined ? {} : { name }),
      ...(base.inputShape === undefined && base.batchInputShape === undefined && shape != null
        ? { batchInputShape: shape }
        : {}),
    });
    this.inner = inner;
    const c = inner.config;
    this.units = Number(inner.className === 'Dense' ? c.units : c.filters);
    this.useBias = c.useBias !== false;
    this.activationLayer = layers.activation({
      activation: (c.activation ?? 'linear') as 'linear',
    });
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const inputDim = shape[shape.length - 1];
    const rankOk = this.inner.className === 'Dense' ? shape.length >= 2 : shape.length === 4;
    if (!rankOk || typeof inputDim !== 'number') {
      throw new ShapeError(
        `WeightNormalization(${this.inner.className}) needs ${this.inner.className === 'Dense' ? 'a known last input dimension' : '[N, H, W, C] inputs with known C'}, got shape [${shape.join(', ')}]`,
      );
    }
    const c = this.inner.config;
    const kernelShape =
      this.inner.className === 'Dense'
        ? [inputDim, this.units]
        : [...pair(c.kernelSize, 1), inputDim, this.units];
    const init = (key: string, fallback: Initializer) =>
      deserializeObject<Initializer>(c[key]) ?? fallback;
    this.v = this.addWeight(
      'kernel',
      kernelShape,
      'float32',
      init('kernelInitializer', initializers.glorotUniform({})),
      deserializeObject<Regularizer>(c.kernelRegularizer),
      true,
      deserializeObject<Constraint>(c.kernelConstraint),
    );
    this.g = this.addWeight('g', [this.units], 'float32', initializers.ones(), undefined, true);
    const norms = tf.tidy(() => this.columnNorms(this.v!.read()));
    this.g.write(norms);
    norms.dispose();
    if (this.useBias) {
      this.bias = this.addWeight(
        'bias',
        [this.units],
        'float32',
        init('biasInitializer', initializers.zeros()),
        deserializeObject<Regularizer>(c.biasRegularizer),
        true,
        deserializeObject<Constraint>(c.biasConstraint),
      );
    }
    this.built = true;
  }

  /** The effective kernel `g * v / ||v||` (a new tensor; the caller disposes it). */
  kernel(): tf.Tensor {
    return tf.tidy(() => {
      const v = this.v!.read();
      const scale = tf.div(this.g!.read(), this.columnNorms(v));
      return tf.mul(v, scale);
    });
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const w = this.kernel();
      let y = this.inner.className === 'Dense' ? this.dense(x, w) : this.conv(x, w);
      if (this.bias !== undefined) y = tf.add(y, this.bias.read());
      return this.activationLayer.apply(y) as tf.Tensor;
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    if (this.inner.className === 'Dense') return [...shape.slice(0, -1), this.units];
    const [kh, kw] = pair(this.inner.config.kernelSize, 1);
    const [sh, sw] = pair(this.inner.config.strides, 1);
    const [dh, dw] = pair(this.inner.config.dilationRate, 1);
    const same = this.inner.config.padding === 'same';
    const out = (n: number | null, k: number, s: number, d: number) =>
      n === null ? null : same ? Math.ceil(n / s) : Math.ceil((n - (k - 1) * d) / s);
    return [shape[0]!, out(shape[1]!, kh, sh, dh), out(shape[2]!, kw, sw, dw), this.units];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      layer: { className: this.inner.className, config: this.inner.config },
    };
  }

  /** `||v||` over every axis but the last: `[units]`. */
  private columnNorms(v: tf.Tensor): tf.Tensor {
    const axes = v.shape.slice(0, -1).map((_, i) => i);
    return tf.sqrt(tf.sum(tf.square(v), axes));
  }

  private dense(x: tf.Tensor, w: tf.Tensor): tf.Tensor {
    const flat = x.rank === 2 ? x : tf.reshape(x, [-1, w.shape[0]!]);
    const y = tf.matMul(flat as tf.Tensor2D, w as tf.Tensor2D);
    return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), this.units]);
  }

  private conv(x: tf.Tensor, w: tf.Tensor): tf.Tensor {
    const c = this.inner.config;
    return tf.conv2d(
      x as tf.Tensor4D,
      w as tf.Tensor4D,
      pair(c.strides, 1),
      (c.padding ?? 'valid') as 'valid' | 'same',
      'NHWC',
      pair(c.dilationRate, 1),
    );
  }
}
registerSerializable(WeightNormalization, 'layer');
