import * as tf from '@tensorflow/tfjs-core';
import {
  callKernel,
  type KernelArgs,
  release,
  reshapeInfo,
  transposeLastTwo,
} from './backend-calls.js';

function size(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * tfjs-backend-wasm 4.22 hands a matMul to XNNPACK only when neither operand is transposed and
 * the batch is 1; everything else runs a scalar loop 15-20x slower (tfjs #6982). Every
 * backward matMul of a dense layer is transposed. So: transpose explicitly (a memory-bound
 * copy), and split a batch into rank-2 products, each of which XNNPACK runs.
 */
export function fastBatchMatMul(original: tf.KernelFunc, backendName: string): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as KernelArgs;
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
    const batchA = size(a.shape.slice(0, -2));
    const batchB = size(b.shape.slice(0, -2));
    const plain = (x: tf.TensorInfo, y: tf.TensorInfo) =>
      original({
        inputs: { a: x, b: y },
        backend,
        attrs: { transposeA: false, transposeB: false },
      } as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
    if (!transposeA && !transposeB && batchA === 1 && batchB === 1) return plain(a, b);

    const temps: tf.TensorInfo[] = [];
    const keep = (t: tf.TensorInfo) => {
      temps.push(t);
      return t;
    };
    try {
      const a2 = transposeA ? keep(transposeLastTwo(backendName, backend, a)) : a;
      const b2 = transposeB ? keep(transposeLastTwo(backendName, backend, b)) : b;
      const [m, k] = a2.shape.slice(-2) as [number, number];
      const n = b2.shape[b2.shape.length - 1]!;
      const outBatchShape = tf.broadcast_util.assertAndGetBroadcastShape(
        a.shape.slice(0, -2),
        b.shape.slice(0, -2),
      );
      const batch = Math.max(batchA, batchB);
      if (batch === 1) {
        const out = plain(
          keep(reshapeInfo(backendName, backend, a2, [m, k])),
          keep(reshapeInfo(backendName, backend, b2, [k, n])),
        );
        if (outBatchShape.length === 0) return out;
        keep(out);
        return reshapeInfo(backendName, backend, out, [...outBatchShape, m, n]);
      }
      // One rank-2 product per batch entry; an operand with batch 1 is shared (broadcast).
      // Batches that broadcast along several axes at once go to the original kernel.
      if (
        (batchA !== batch && batchA !== 1) ||
        (batchB !== batch && batchB !== 1) ||
        size(outBatchShape) !== batch
      ) {
        return original({
          inputs: { a, b },
          backend,
          attrs: { transposeA, transposeB },
        } as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
      }
      const a3 = keep(reshapeInfo(backendName, backend, a2, [batchA, m, k]));
      const b3 = keep(reshapeInfo(backendName, backend, b2, [batchB, k, n]));
      const slice2d = (x: tf.TensorInfo, i: number, rows: number, cols: number) => {
        const s = keep(
          callKernel(tf.Slice, backendName, {
            inputs: { x },
            backend,
            attrs: { begin: [i, 0, 0], size: [1, rows, cols] },
          }),
        );
        return keep(reshapeInfo(backendName, backend, s, [rows, cols]));
      };
      const shareA = batchA === 1 ? keep(reshapeInfo(backendName, backend, a3, [m, k])) : undefined;
      const shareB = batchB === 1 ? keep(reshapeInfo(backendName, backend, b3, [k, n])) : undefined;
      const products: tf.TensorInfo[] = [];
      for (let i = 0; i < batch; i++) {
        const ai = shareA ?? slice2d(a3, i, m, k);
        const bi = shareB ?? slice2d(b3, i, k, n);
        products.push(keep(reshapeInfo(backendName, backend, keep(plain(ai, bi)), [1, m, n])));
      }
      const stacked = keep(
        callKernel(tf.Concat, backendName, {
          // Concat takes its inputs as a list.
          inputs: products as unknown as tf.NamedTensorInfoMap,
          backend,
          attrs: { axis: 0 },
        }),
      );
      return reshapeInfo(backendName, backend, stacked, [...outBatchShape, m, n]);
    } finally {
      release(backend, ...temps);
    }
  };
}

const ACTIVATION_KERNELS: Record<string, string> = {
  relu: tf.Relu,
  relu6: tf.Relu6,
  elu: tf.Elu,
  sigmoid: tf.Sigmoid,
  leakyrelu: tf.LeakyRelu,
  prelu: tf.Prelu,
};

/**
 * The fused matMul (bias, activation). Transposed operands are transposed first, then the
 * original kernel runs (XNNPACK). A batched one is composed from the batched matMul, an add
 * and the activation: tfjs-backend-wasm 4.22 adds the bias to the wrong rows when the batch
 * is > 1 (`fused.matMul` of `[3, 2, 2]` operands with a bias differs from matMul + add).
 */
export function fastFusedMatMul(original: tf.KernelFunc, backendName: string): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as KernelArgs;
    const { a, b, bias, preluActivationWeights } = inputs as Record<string, tf.TensorInfo>;
    const { transposeA, transposeB, activation, leakyreluAlpha } =
      attrs as unknown as tf._FusedMatMulAttrs;
    const batched = size(a!.shape.slice(0, -2)) > 1 || size(b!.shape.slice(0, -2)) > 1;
    if (!transposeA && !transposeB && !batched) return original(args);
    const temps: tf.TensorInfo[] = [];
    const keep = (t: tf.TensorInfo) => {
      temps.push(t);
      return t;
    };
    try {
      if (!batched) {
        const a2 = transposeA ? keep(transposeLastTwo(backendName, backend, a!)) : a!;
        const b2 = transposeB ? keep(transposeLastTwo(backendName, backend, b!)) : b!;
        return original({
          inputs: { ...inputs, a: a2, b: b2 },
          backend,
          attrs: { ...attrs, transposeA: false, transposeB: false },
        } as Parameters<tf.KernelFunc>[0]);
      }
      let out = callKernel(tf.BatchMatMul, backendName, {
        inputs: { a: a!, b: b! },
        backend,
        attrs: { transposeA, transposeB },
      });
      if (bias !== undefined) {
        keep(out);
        out = callKernel(tf.Add, backendName, { inputs: { a: out, b: bias }, backend });
      }
      const kernel = ACTIVATION_KERNELS[activation ?? 'linear'];
      if (kernel !== undefined) {
        keep(out);
        out = callKernel(kernel, backendName, {
          inputs: kernel === tf.Prelu ? { x: out, alpha: preluActivationWeights! } : { x: out },
          backend,
          attrs: kernel === tf.LeakyRelu ? { alpha: leakyreluAlpha ?? 0.2 } : {},
        });
      }
      return out;
    } finally {
      release(backend, ...temps);
    }
  };
}
