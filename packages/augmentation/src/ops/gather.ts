import * as tf from '@tensorflow/tfjs-core';

/**
 * `params[index[m]]` along axis 0 (rows of a 1-D or 2-D table). On wasm `gatherND` is about
 * 10x faster than `gather` for 100k indices; on cpu `gather` is the faster of the two.
 */
export function takeRows(params: tf.Tensor, index: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const flat = tf.reshape(index, [-1]);
    if (tf.getBackend() === 'cpu') return tf.gather(params, flat);
    return tf.gatherND(params, tf.reshape(flat, [-1, 1]));
  });
}

/** `mask · a + (1 - mask) · b` with a 0/1 float mask broadcast over `a`: exact for 0 and 1 and cheaper than `where`. */
export function blendMask(mask: tf.Tensor, a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.add(tf.mul(a, mask), tf.mul(b, tf.sub(1, mask))));
}

/** `x[index]` along the batch axis (a permutation or subset of images / labels). */
export function takeImages(x: tf.Tensor, index: readonly number[]): tf.Tensor {
  return tf.tidy(() => takeRows(x, tf.tensor1d(index as number[], 'int32')));
}
