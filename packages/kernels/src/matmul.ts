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
 * Maps an output batch entry (flat index into `outBatch`) to the flat batch entry of an operand
 * with batch axes `batch`, numpy-style: axes aligned from the right, a size-1 axis repeats.
 */
function broadcastEntry(outBatch: readonly number[], batch: readonly number[]) {
  const offset = outBatch.length - batch.length;
  const strides: number[] = new Array(outBatch.length).fill(0);
  let stride = 1;
  for (let d = batch.length - 1; d >= 0; d--) {
    strides[d + offset] = batch[d] === 1 ? 0 : stride;
    stride *= batch[d]!;
  }
  return (t: number): number => {
    let entry = 0;
    for (let d = outBatch.length - 1; d >= 0; d--) {
      entry += (t % outBatch[d]!) * strides[d]!;
      t = Math.floor(t / outBatch[d]!);
    }
    return entry;
  };
}

/** The product's shape `[...batch, m, n]` and its inner size `k` (the op checked the shapes). */
function productShape(
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): { shape: number[]; k: number } {
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const batch = tf.broadcast_util.assertAndGetBroadcastShape(
    a.shape.slice(0, -2),
    b.shape.slice(0, -2),
  );
  return {
    shape: [...batch, transposeA ? ac : ar, transposeB ? br : bc],
    k: transposeA ? ar : ac,
  };
}

/**
 * The product when there is nothing to multiply: an empty output, or an inner size of 0 (a sum
 * over nothing: zeros, as on cpu and in PyTorch; wasm's own kernel leaves that output
 * uninitialized, and its split into per-batch products has no entry to stack for batch 0).
 */
function degenerateProduct(
  backendName: string,
  backend: tf.KernelBackend,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): tf.TensorInfo | undefined {
  const { shape, k } = productShape(a, b, transposeA, transposeB);
  if (k > 0 && size(shape) > 0) return undefined;
  return callKernel(tf.Fill, backendName, {
    inputs: {},
    backend,
    attrs: { shape, value: 0, dtype: a.dtype },
  });
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
    const degenerate = degenerateProduct(backendName, backend, a, b, transposeA, transposeB);
    if (degenerate !== undefined) return degenerate;
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
      if (size(outBatchShape) === 1) {
        const out = plain(
          keep(reshapeInfo(backendName, backend, a2, [m, k])),
          keep(reshapeInfo(backendName, backend, b2, [k, n])),
        );
        if (outBatchShape.length === 0) return out;
        keep(out);
        return reshapeInfo(backendName, backend, out, [...outBatchShape, m, n]);
      }
      // One rank-2 product per output batch entry; each operand's entry is found by numpy
      // broadcasting (a size-1 axis repeats), so `[2, 1]` with `[1, 3]` is 6 products (wasm's
      // own kernel, like cpu's, gets batches that broadcast on several axes wrong).
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
      const entryA = broadcastEntry(outBatchShape, a.shape.slice(0, -2));
      const entryB = broadcastEntry(outBatchShape, b.shape.slice(0, -2));
      const products: tf.TensorInfo[] = [];
      for (let t = 0; t < size(outBatchShape); t++) {
        const ai = shareA ?? slice2d(a3, entryA(t), m, k);
        const bi = shareB ?? slice2d(b3, entryB(t), k, n);
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
    const { shape, k } = productShape(a!, b!, transposeA, transposeB);
    // An inner size of 0 goes the composed way too (the product is zeros, then bias and
    // activation); an empty output is just that.
    const batched = k === 0 || size(a!.shape.slice(0, -2)) > 1 || size(b!.shape.slice(0, -2)) > 1;
    if (size(shape) === 0) {
      return callKernel(tf.Fill, backendName, {
        inputs: {},
        backend,
        attrs: { shape, value: 0, dtype: a!.dtype },
      });
    }
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
      let out =
        degenerateProduct(backendName, backend, a!, b!, transposeA, transposeB) ??
        callKernel(tf.BatchMatMul, backendName, {
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
