import * as tf from '@tensorflow/tfjs-core';

/** The padding argument of a conv, as tfjs-core's kernels carry it. */
export type ConvPad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;

/** `computeConv2DInfo` for NHWC, dilation 1. */
export function convInfo(
  xShape: readonly number[],
  filterShape: readonly number[],
  strides: number | [number, number],
  pad: ConvPad,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
}

/** Whether the conv's dilations are all 1 (the fast paths here assume it). */
export function undilated(dilations: number | [number, number] | undefined): boolean {
  return (
    dilations === undefined ||
    dilations === 1 ||
    (Array.isArray(dilations) && dilations.every((d) => d === 1))
  );
}
