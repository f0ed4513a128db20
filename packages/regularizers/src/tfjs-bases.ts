import { InvalidArgumentError, type RegistryKind, register } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { constraints, regularizers } from '@tensorflow/tfjs-layers';

/** tfjs-layers' abstract `Regularizer` (its public API exports only the factories). */
export type Regularizer = ReturnType<typeof regularizers.l1l2>;
/** tfjs-layers' abstract `Constraint`. */
export type Constraint = ReturnType<typeof constraints.nonNeg>;

// tfjs-layers checks `kernelRegularizer instanceof Regularizer` (and the same for constraints)
// but does not export the base classes, so we reach them through an instance's prototype chain.
// Extending the real classes is what makes our objects accepted and serialized by layers.
export const RegularizerBase = Object.getPrototypeOf(
  regularizers.l1l2({ l1: 0, l2: 0 }).constructor,
) as abstract new () => Regularizer;
export const ConstraintBase = Object.getPrototypeOf(
  constraints.nonNeg().constructor,
) as abstract new () => Constraint;

/** Keras-style `{ className, config }` of a serializable object, or null. */
export function serializeObject(
  value: tf.serialization.Serializable | null | undefined,
): tf.serialization.ConfigDict | null {
  if (value == null) return null;
  return { className: value.getClassName(), config: value.getConfig() };
}

/**
 * Rebuilds an object from `{ className, config }` through tfjs' class registry (where every
 * tfjs-layers and overfit class registers itself); passes instances through.
 */
export function deserializeObject<T extends tf.serialization.Serializable>(
  value: unknown,
): T | undefined {
  if (value == null) return undefined;
  if (value instanceof tf.serialization.Serializable) return value as T;
  const { className, config } = value as { className: string; config: tf.serialization.ConfigDict };
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (entry === undefined) {
    throw new InvalidArgumentError(
      'className',
      className,
      'a class registered with tf.serialization.registerClass',
    );
  }
  const [cls, fromConfig] = entry;
  return fromConfig(cls, config ?? {}) as T;
}

type TfjsClass = tf.serialization.SerializableConstructor<tf.serialization.Serializable> & {
  className: string;
};

/**
 * Registers a tfjs-serializable class twice: with tfjs (so saved models and `model.compile`
 * find it) and in core's registry under the same name (so `serialize` / `deserialize` and
 * tools listing every penalty, constraint, layer or optimizer find it).
 */
export function registerSerializable(cls: unknown, kind: RegistryKind): void {
  const c = cls as TfjsClass;
  tf.serialization.registerClass(c);
  const fromConfig = (
    c as unknown as { fromConfig: typeof tf.serialization.Serializable.fromConfig }
  ).fromConfig;
  register(c.className, kind, (config) => fromConfig(c, config as tf.serialization.ConfigDict), {
    cls: c as unknown as abstract new (...args: never[]) => unknown,
  });
}
