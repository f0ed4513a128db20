import * as tf from '@tensorflow/tfjs-core';

/** What `optimizer.computeGradients` and `tf.variableGrads` return. */
export interface ValueAndGrads {
  value: tf.Scalar;
  grads: tf.NamedTensorMap;
}

/**
 * `compute(f, variables)` (`optimizer.computeGradients` or `tf.variableGrads`) that leaves no
 * tensor behind when `f` throws, then rethrows.
 *
 * Why: tfjs' engine keeps clones of the tensors its tape saves for the backward pass and
 * disposes them only at the end of a backward pass; when `f` throws there is none, and the next
 * tape replaces the old one, stranding them (a leak per failed step). So a throw is caught
 * inside `f`, a zero connected to every variable is returned, the backward pass (of that zero
 * only) runs and cleans the tape, and the error is rethrown.
 */
export function gradientsOrThrow(
  compute: (f: () => tf.Scalar, variables: tf.Variable[]) => ValueAndGrads,
  f: () => tf.Scalar,
  variables: tf.Variable[],
): ValueAndGrads {
  let failure: { error: unknown } | undefined;
  const result = compute(() => {
    try {
      return f();
    } catch (error) {
      failure = { error };
      return tf.mul(tf.addN(variables.map((v) => tf.sum(v))), 0) as tf.Scalar;
    }
  }, variables);
  if (failure !== undefined) {
    tf.dispose([result.value, ...Object.values(result.grads)]);
    throw failure.error;
  }
  return result;
}
