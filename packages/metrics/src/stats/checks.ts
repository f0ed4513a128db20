import { InvalidArgumentError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';

/** A live numeric tensor (float32 / int32 / bool). */
export function checkTensor(argument: string, x: unknown): tf.Tensor {
  if (!(x instanceof tf.Tensor)) throw new InvalidArgumentError(argument, x, 'a tensor');
  if (x.isDisposed) throw new InvalidArgumentError(argument, 'a disposed tensor', 'a live tensor');
  if (x.dtype === 'string' || x.dtype === 'complex64') {
    throw new InvalidArgumentError(`${argument}.dtype`, x.dtype, "'float32', 'int32' or 'bool'");
  }
  return x;
}

/** A non-empty array of live numeric tensors. */
export function checkTensorList(argument: string, xs: unknown): tf.Tensor[] {
  if (!Array.isArray(xs) || xs.length === 0) {
    throw new InvalidArgumentError(argument, xs, 'a non-empty array of tensors');
  }
  return xs.map((x, i) => checkTensor(`${argument}[${i}]`, x));
}

export const asFloat = (x: tf.Tensor): tf.Tensor =>
  x.dtype === 'float32' ? x : tf.cast(x, 'float32');
