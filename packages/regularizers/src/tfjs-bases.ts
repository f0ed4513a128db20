import { InvalidArgumentError } from '@overfit/core';
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
