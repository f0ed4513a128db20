// Each installed kernel against tfjs' own, on the shapes of the course's MLP and CNN steps.
// Stock and installed alternate within each repetition (this machine is noisy); the table
// gives medians and the speed-up.
//
//   pnpm --filter @overfit/kernels bench [-- --backend wasm --reps 15 --json out.json]
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { installKernels, uninstallKernels } from '../src/index.js';

interface Case {
  name: string;
  setup(): { run(): void; dispose(): void };
}

const randn = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

function matMulCase(
  name: string,
  aShape: number[],
  bShape: number[],
  tA: boolean,
  tB: boolean,
): Case {
  return {
    name,
    setup() {
      const a = randn(aShape, 1);
      const b = randn(bShape, 2);
      return { run: () => tf.matMul(a, b, tA, tB).dispose(), dispose: () => tf.dispose([a, b]) };
    },
  };
}

const MLP_SHAPES = [[784, 256], [256], [256, 256], [256], [256, 256], [256], [256, 10], [10]];

function optimizerCase(name: string, make: () => tf.Optimizer): Case {
  return {
    name,
    setup() {
      const vars = MLP_SHAPES.map((s, i) =>
        tf.variable(randn(s, i), true, `bench_${name}_${i}_${Math.random()}`),
      );
      const grads = Object.fromEntries(vars.map((v, i) => [v.name, randn(v.shape, 10 + i)]));
      const optimizer = make();
      return {
        run: () => optimizer.applyGradients(grads),
        dispose: () => {
          optimizer.dispose();
          tf.dispose([...vars, ...Object.values(grads)]);
        },
      };
    },
  };
}

/** The gradient of `sum(conv2d(x, W) * 1)` with respect to the filter or to the input. */
function convGradCase(name: string, x: number[], filter: number[], wrt: 'filter' | 'input'): Case {
  return {
    name,
    setup() {
      const input = randn(x, 1) as tf.Tensor4D;
      const w = randn(filter, 2) as tf.Tensor4D;
      const dy = tf.tidy(() => tf.onesLike(tf.conv2d(input, w, 1, 'valid')));
      const loss = (xx: tf.Tensor4D, ww: tf.Tensor4D) =>
        tf.sum(tf.mul(tf.conv2d(xx, ww, 1, 'valid'), dy));
      const run =
        wrt === 'filter'
          ? () =>
              tf
                .grad((ww: tf.Tensor) => loss(input, ww as tf.Tensor4D))(w)
                .dispose()
          : () =>
              tf
                .grad((xx: tf.Tensor) => loss(xx as tf.Tensor4D, w))(input)
                .dispose();
      return { run, dispose: () => tf.dispose([input, w, dy]) };
    },
  };
}

function maxPoolGradCase(name: string, x: number[]): Case {
  return {
    name,
    setup() {
      const input = randn(x, 1) as tf.Tensor4D;
      const grad = tf.grad((xx: tf.Tensor) => tf.sum(tf.maxPool(xx as tf.Tensor4D, 2, 2, 'valid')));
      return { run: () => grad(input).dispose(), dispose: () => input.dispose() };
    },
  };
}

const CASES: Case[] = [
  matMulCase('matMul [128,784]x[784,256] (dense forward)', [128, 784], [784, 256], false, false),
  matMulCase('matMul [128,784]^T x [128,256] (dense dW)', [128, 784], [128, 256], true, false),
  matMulCase('matMul [128,256] x [784,256]^T (dense dx)', [128, 256], [784, 256], false, true),
  matMulCase('matMul [8,64,128]x[8,128,64] (batched)', [8, 64, 128], [8, 128, 64], false, false),
  optimizerCase('Adam update, MLP variables (335k)', () => tf.train.adam(1e-3)),
  optimizerCase('SGD update, MLP variables', () => tf.train.sgd(1e-2)),
  optimizerCase('Momentum update, MLP variables', () => tf.train.momentum(1e-2, 0.9)),
  convGradCase('conv dW 3x3x32x64 on [64,26,26,32]', [64, 26, 26, 32], [3, 3, 32, 64], 'filter'),
  convGradCase('conv dx 3x3x32x64 on [64,26,26,32]', [64, 26, 26, 32], [3, 3, 32, 64], 'input'),
  maxPoolGradCase('maxPool 2x2 grad on [64,24,24,64]', [64, 24, 24, 64]),
];

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Mean ms per call over `calls` calls (enough calls that one measurement spans >= ~20 ms). */
function timeCalls(run: () => void, calls: number): number {
  const t0 = performance.now();
  for (let k = 0; k < calls; k++) run();
  return (performance.now() - t0) / calls;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const flag = (name: string) => {
    const i = argv.indexOf(name);
    return i < 0 ? undefined : argv[i + 1];
  };
  const backend = flag('--backend') ?? 'wasm';
  const reps = Number(flag('--reps') ?? 15);
  const json = flag('--json');
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} failed to initialize`);
  await tf.ready();
  const rows: {
    kernel: string;
    stockMs: number | null;
    installedMs: number;
    speedup: number | null;
  }[] = [];
  for (const c of CASES) {
    const stock: number[] = [];
    const installed: number[] = [];
    let stockFails = false;
    // Fresh state for both arms; warm up each once.
    const s = c.setup();
    installKernels({ backends: [backend] });
    const calls = Math.max(1, Math.ceil(20 / timeCalls(s.run, 1)));
    for (let r = 0; r < reps + 2; r++) {
      for (const arm of r % 2 === 0 ? ['stock', 'installed'] : ['installed', 'stock']) {
        if (arm === 'installed') installKernels({ backends: [backend] });
        else uninstallKernels();
        if (arm === 'stock' && stockFails) continue;
        try {
          const ms = timeCalls(s.run, calls);
          if (r >= 2) (arm === 'stock' ? stock : installed).push(ms);
        } catch {
          stockFails = true; // e.g. a kernel wasm lacks altogether
        }
      }
    }
    uninstallKernels();
    s.dispose();
    const stockMs = stockFails ? null : median(stock);
    const installedMs = median(installed);
    rows.push({
      kernel: c.name,
      stockMs,
      installedMs,
      speedup: stockMs === null ? null : stockMs / installedMs,
    });
  }
  console.log(`\nKernels on ${backend}: median ms over ${reps} alternating repetitions\n`);
  console.log('| case | tfjs | @overfit/kernels | speed-up |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(
      `| ${r.kernel} | ${r.stockMs === null ? 'missing' : r.stockMs.toFixed(2)} | ${r.installedMs.toFixed(2)} | ${r.speedup === null ? '-' : `${r.speedup.toFixed(1)}x`} |`,
    );
  }
  if (json !== undefined) writeFileSync(json, `${JSON.stringify({ backend, rows }, null, 2)}\n`);
}

await main();
