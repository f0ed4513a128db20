// Throughput of each augmentation on a batch of 128 28x28x1 images with per-image random
// parameters (a fresh draw every batch), per backend, against torchvision 0.14's per-image
// throughput measured on the same 2-core machine (numbers from issue 4).
//
//   pnpm bench [-- --backend cpu,wasm,cpu+kernels,wasm+kernels --json out.json --seconds 1.5]
//   (`+kernels`: after @overfit/kernels' installKernels(), as the apps run)
//
// Bench code, not library code: it picks backends and writes files.
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { Rng, type Transform } from '@overfit/core';
import { installKernels, uninstallKernels } from '@overfit/kernels';
import {
  type AffineParams,
  type Augmentation,
  affine,
  type BatchShape,
  colorJitter,
  cutmix,
  elastic,
  gaussianBlur,
  mixup,
  randomErasing,
  randomResizedCrop,
  rotate,
} from '../src/index.js';
import { type WarpPath, warpProjective } from '../src/ops/warp.js';

const BATCH = 128;
const SHAPE = [BATCH, 28, 28, 1] as const;

/** torchvision 0.14, one image at a time, images/s (issue 4). */
const TORCHVISION: Record<string, number | undefined> = {
  rotate: 3800,
  affine: 3500,
  erase: 16000,
  blur: 7500,
  colorJitter: 7300,
  resizedCrop: 13800,
  elastic: 480,
};

// biome-ignore lint/suspicious/noExplicitAny: heterogeneous transforms
const TRANSFORMS: [string, Augmentation<any>][] = [
  ['rotate', rotate({ degrees: 15 })],
  ['affine', affine({ degrees: 15, translate: 0.1, scale: 0.1, shear: 10 })],
  ['erase', randomErasing({ p: 1 })],
  ['blur', gaussianBlur({ kernelSize: 5, sigma: [0.1, 2] })],
  ['colorJitter', colorJitter({ brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 })],
  ['resizedCrop', randomResizedCrop({ size: 28 })],
  ['elastic', elastic({ alpha: 50, sigma: 5 })],
  ['mixup', mixup({ alpha: 0.2 })],
  ['cutmix', cutmix({ alpha: 1 })],
];

function parseArgs(argv: string[]) {
  const args = {
    backends: ['cpu', 'wasm', 'cpu+kernels', 'wasm+kernels'],
    json: undefined as string | undefined,
    seconds: 1.5,
  };
  for (let i = 0; i < argv.length; i++) {
    const [key, value] = [argv[i], argv[i + 1]];
    if (key === '--backend' || key === '--backends') args.backends = value!.split(',');
    else if (key === '--json') args.json = value;
    else if (key === '--seconds') args.seconds = Number(value);
    else continue;
    i++;
  }
  return args;
}

/** `rotate({ degrees: 15 })` resampled through one given warp path. */
function rotateVia(path: WarpPath): Transform<AffineParams> {
  const r = rotate({ degrees: 15 });
  return {
    name: `rotate/${path}`,
    sampleParams: (shape, rng) => r.sampleParams(shape, rng),
    apply: (images, params) =>
      warpProjective(
        images as tf.Tensor4D,
        r.inverseMatrices(params, images.shape as unknown as BatchShape),
        { interpolation: 'bilinear', fillMode: 'constant', fillValue: 0 },
        path,
      ),
  };
}

async function imagesPerSecond(
  // biome-ignore lint/suspicious/noExplicitAny: heterogeneous transforms
  t: Transform<any>,
  x: tf.Tensor,
  y: tf.Tensor,
  rng: Rng,
  seconds: number,
): Promise<number> {
  const step = async () => {
    const params = t.sampleParams(x.shape, rng);
    const out = t.apply(x, params);
    const labels = t.applyToLabels ? t.applyToLabels(y, params) : null;
    await out.data();
    if (labels) await labels.data();
    tf.dispose([out, labels ?? []].flat());
  };
  for (let i = 0; i < 3; i++) await step();
  // Median time per batch: robust to the other processes sharing this machine's 2 cores.
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 7 || performance.now() - start < seconds * 1000) {
    const t0 = performance.now();
    await step();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return BATCH / (times[times.length >> 1]! / 1000);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const runs: {
    backend: string;
    results: Record<string, number>;
    warps: Record<string, number>;
  }[] = [];
  for (const backend of args.backends) {
    // `wasm+kernels`: with @overfit/kernels installed, as the apps run.
    const [name, extra] = backend.split('+') as [string, string | undefined];
    if (!(await tf.setBackend(name))) throw new Error(`backend ${name} failed to initialize`);
    await tf.ready();
    if (extra === 'kernels') installKernels();
    else uninstallKernels();
    const x = tf.randomUniform(SHAPE as unknown as number[], 0, 1, 'float32', 1);
    const y = tf.oneHot(tf.randomUniform([BATCH], 0, 10, 'int32', 2), 10).toFloat();
    const rng = new Rng(42);
    const results: Record<string, number> = {};
    for (const [name, t] of TRANSFORMS)
      results[name] = Math.round(await imagesPerSecond(t, x, y, rng, args.seconds));
    const warps: Record<string, number> = {};
    for (const path of ['kernel', 'perImage', 'gather'] as WarpPath[]) {
      warps[path] = Math.round(await imagesPerSecond(rotateVia(path), x, y, rng, args.seconds / 2));
    }
    tf.dispose([x, y]);
    runs.push({ backend, results, warps });
  }
  const rows = TRANSFORMS.map(([name]) => {
    const speeds = runs.map((r) => r.results[name]!);
    const best = Math.max(...speeds);
    const torch = TORCHVISION[name];
    return { name, speeds, best, torch, ratio: torch ? best / torch : undefined };
  });
  const head = [
    'transform',
    ...runs.map((r) => `${r.backend} img/s`),
    'torchvision img/s',
    'best / torchvision',
    '>= 10x',
  ];
  const table = rows.map((r) => [
    r.name,
    ...r.speeds.map(String),
    r.torch ? String(r.torch) : '-',
    r.ratio ? `${r.ratio.toFixed(1)}x` : '-',
    r.ratio === undefined ? '-' : r.ratio >= 10 ? 'yes' : 'NO',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(
    `batch ${SHAPE.join('x')}, per-image random parameters, images/s from the median batch time, Node ${process.version}`,
  );
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of table) console.log(line(row));
  console.log(
    '\nrotate through each warp path (img/s; on cpu the batched kernel only transforms image 0):',
  );
  for (const r of runs)
    console.log(
      `  ${r.backend}: ${Object.entries(r.warps)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
  if (args.json) {
    const results = Object.fromEntries(rows.map((r) => [r.name, r.best]));
    const backend = runs.length === 1 ? runs[0]!.backend : runs.map((r) => r.backend).join('+');
    writeFileSync(args.json, `${JSON.stringify({ backend, results, runs }, null, 2)}\n`);
    console.log(`wrote ${args.json}`);
  }
}

await main();
