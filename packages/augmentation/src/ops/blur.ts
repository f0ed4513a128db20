import * as tf from '@tensorflow/tfjs-core';

/** torchvision's 1-D gaussian: `exp(-x^2 / (2 sigma^2))` at `x = -(k-1)/2 .. (k-1)/2`, normalized. */
export function gaussianKernel1d(size: number, sigma: number): number[] {
  const half = (size - 1) / 2;
  const pdf = Array.from({ length: size }, (_, i) => Math.exp(-0.5 * ((i - half) / sigma) ** 2));
  const sum = pdf.reduce((a, b) => a + b, 0);
  return pdf.map((v) => v / sum);
}

/**
 * Separable convolution of each image with its own 1-D kernel (`kernels[i]`, odd length k)
 * along H and W, with reflect padding (torchvision's `gaussian_blur`). The batch is folded
 * into the channel axis so one depthwise convolution per direction handles every image.
 */
export function separableConvPerImage(x: tf.Tensor4D, kernels: readonly number[][]): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const k = kernels[0]!.length;
  const pad = (k - 1) / 2;
  return tf.tidy(() => {
    // [N, H, W, C] -> [1, H, W, N*C]: channel j = image floor(j / C).
    const folded = tf.reshape(tf.transpose(x, [1, 2, 0, 3]), [1, h, w, n * c]);
    const padded = tf.mirrorPad(
      folded,
      [
        [0, 0],
        [pad, pad],
        [pad, pad],
        [0, 0],
      ],
      'reflect',
    ) as tf.Tensor4D;
    let both: tf.Tensor;
    if (k <= 7) {
      // One pass with the k x k outer-product kernel: fewer ops than two passes on wasm for short kernels.
      const taps = new Float32Array(k * k * n * c);
      kernels.forEach((kern, i) => {
        for (let a = 0; a < k; a++)
          for (let b = 0; b < k; b++)
            for (let ch = 0; ch < c; ch++)
              taps[(a * k + b) * n * c + i * c + ch] = kern[a]! * kern[b]!;
      });
      both = tf.depthwiseConv2d(padded, tf.tensor4d(taps, [k, k, n * c, 1]), 1, 'valid');
    } else {
      const taps = tf.transpose(
        tf.tensor2d(
          kernels.flatMap((kern) => Array.from({ length: c }, () => kern)),
          [n * c, k],
        ),
      ); // [k, N*C]
      const rows = tf.depthwiseConv2d(
        padded,
        tf.reshape(taps, [1, k, n * c, 1]) as tf.Tensor4D,
        1,
        'valid',
      );
      both = tf.depthwiseConv2d(
        rows,
        tf.reshape(taps, [k, 1, n * c, 1]) as tf.Tensor4D,
        1,
        'valid',
      );
    }
    return tf.transpose(tf.reshape(both, [h, w, n, c]), [2, 0, 1, 3]) as tf.Tensor4D;
  });
}

/**
 * The 1-D convolution with reflect padding as a banded `L x L` matrix:
 * `out[i] = sum_j kernel[j] · in[reflect(i - p + j)]` with `p = (k - 1) / 2` and
 * `reflect(m) = -m` below 0, `2(L - 1) - m` above `L - 1` (needs `p <= L - 1`).
 */
export function convolutionMatrix(kernel: readonly number[], length: number): Float32Array {
  const k = kernel.length;
  const p = (k - 1) / 2;
  const m = new Float32Array(length * length);
  for (let i = 0; i < length; i++) {
    for (let j = 0; j < k; j++) {
      let src = i - p + j;
      if (src < 0) src = -src;
      if (src > length - 1) src = 2 * (length - 1) - src;
      m[i * length + src]! += kernel[j]!;
    }
  }
  return m;
}
