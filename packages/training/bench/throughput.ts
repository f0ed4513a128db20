// `pnpm bench:training`: training throughput of the course's two workloads, tfjs against
// PyTorch on the same CPU. Each row runs in a fresh process (no JIT, kernel or heap state
// carried between rows); all rows run in one sitting, so the ratios compare like with like.
//
//   pnpm bench:training [--backends wasm,cpu] [--workloads mlp,cnn] [--reps 3] [--json out.json]
//
// `webgpu` (Dawn, see apps/cli) is a backend too: in the default list when an adapter is
// present (a software one, lavapipe or SwiftShader, is for correctness, not speed).
//
// Runners: `layersFit` is stock tfjs (model.fit, no @overfit kernels); `trainer` is our
// Trainer after installKernels(); `layersFitKernels` / `trainerStock` separate the two gains.
// Bench code, not library code: it picks backends, installs kernels and spawns processes.
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installKernels } from '@overfit/kernels';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { Trainer } from '../src/index.js';
import { loadBenchWebGpu, releaseWebGpu } from './webgpu.js';

type Workload = 'mlp' | 'cnn';
const RUNNERS = ['layersFit', 'layersFitKernels', 'trainerStock', 'trainer'] as const;
type Runner = (typeof RUNNERS)[number];

const WORKLOADS: Record<
  Workload,
  { batch: number; steps: Record<string, number>; warmup: Record<string, number>; label: string }
> = {
  mlp: {
    batch: 128,
    steps: { wasm: 40, cpu: 20, webgpu: 10 },
    warmup: { wasm: 3, cpu: 3, webgpu: 3 },
    label: 'MLP 784-256-256-256-10 ReLU, batch 128, Adam 1e-3',
  },
  cnn: {
    batch: 64,
    // tfjs' cpu backend runs this conv net at ~1 sample/s: a couple of steps say enough.
    steps: { wasm: 12, cpu: 2, webgpu: 3 },
    warmup: { wasm: 3, cpu: 1, webgpu: 1 },
    label: 'CNN conv32-conv64-maxpool-dropout-fc128-dropout-fc10, 28x28x1, batch 64, Adam 1e-3',
  },
};

function model(workload: Workload): tf.Sequential {
  const init = { kernelInitializer: tf.initializers.heNormal({ seed: 1 }) };
  if (workload === 'mlp') {
    return tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [784], units: 256, activation: 'relu', ...init }),
        tf.layers.dense({ units: 256, activation: 'relu', ...init }),
        tf.layers.dense({ units: 256, activation: 'relu', ...init }),
        tf.layers.dense({ units: 10, ...init }),
      ],
    });
  }
  // Keras' (and PyTorch's example) MNIST CNN.
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 32,
        kernelSize: 3,
        activation: 'relu',
        ...init,
      }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu', ...init }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.dropout({ rate: 0.25, seed: 1 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 128, activation: 'relu', ...init }),
      tf.layers.dropout({ rate: 0.5, seed: 2 }),
      tf.layers.dense({ units: 10, ...init }),
    ],
  });
}

/** Random stand-ins for MNIST batches: throughput does not depend on the pixel values. */
function data(workload: Workload, samples: number) {
  return tf.tidy(() => {
    const shape = workload === 'mlp' ? [samples, 784] : [samples, 28, 28, 1];
    const x = tf.randomUniform(shape, 0, 1, 'float32', 7);
    const labels = tf.randomUniform([samples], 0, 10, 'int32', 8) as tf.Tensor1D;
    // int32 one-hot, then cast: wasm's OneHot ignores a float32 dtype.
    return { x, y: labels, yOneHot: tf.cast(tf.oneHot(labels, 10), 'float32') };
  });
}

async function fitOnce(
  runner: Runner,
  m: tf.Sequential,
  d: ReturnType<typeof data>,
  batch: number,
) {
  if (runner === 'layersFit' || runner === 'layersFitKernels') {
    await m.fit(d.x, d.yOneHot, { epochs: 1, batchSize: batch, verbose: 0, shuffle: false });
    return;
  }
  await trainers.get(m)!.fit({ x: d.x, y: d.y }, { epochs: 1, batchSize: batch, shuffle: false });
}
const trainers = new WeakMap<tf.Sequential, Trainer>();

/** One row, in this process: median samples/s over `reps` timed fits. */
async function runRow(workload: Workload, backend: string, runner: Runner, reps: number) {
  if (backend === 'webgpu') await loadBenchWebGpu();
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} failed to initialize`);
  await tf.ready();
  const kernels = runner === 'trainer' || runner === 'layersFitKernels' ? installKernels() : [];
  const { batch, steps, warmup } = WORKLOADS[workload];
  const n = steps[backend]! * batch;
  const m = model(workload);
  const optimizer = tf.train.adam(1e-3);
  if (runner === 'layersFit' || runner === 'layersFitKernels') {
    m.compile({
      optimizer,
      loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
    });
  } else {
    trainers.set(m, new Trainer({ model: m, optimizer, seed: 1 }));
  }
  const warm = data(workload, warmup[backend]! * batch);
  await fitOnce(runner, m, warm, batch);
  tf.dispose(Object.values(warm));
  const d = data(workload, n);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fitOnce(runner, m, d, batch);
    wall.push(n / ((performance.now() - t0) / 1000));
    const c = process.cpuUsage(c0);
    cpu.push(n / ((c.user + c.system) / 1e6));
  }
  const profile = profileSteps ? await profileOneStep(runner, m, batch, workload) : undefined;
  return { samplesPerSecond: median(wall), samplesPerCpuSecond: median(cpu), kernels, profile };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

let profileSteps = false;

/** Kernel counts and times of one training step (tf.profile), heaviest first. */
async function profileOneStep(runner: Runner, m: tf.Sequential, batch: number, workload: Workload) {
  const one = data(workload, batch);
  const info = await tf.profile(() => fitOnce(runner, m, one, batch));
  tf.dispose(Object.values(one));
  const byName = new Map<string, { count: number; ms: number }>();
  for (const k of info.kernels) {
    const entry = byName.get(k.name) ?? { count: 0, ms: 0 };
    entry.count++;
    entry.ms += k.kernelTimeMs as number;
    byName.set(k.name, entry);
  }
  return {
    kernels: info.kernels.length,
    kernelMs: [...byName.values()].reduce((sum, e) => sum + e.ms, 0),
    top: [...byName].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12),
  };
}

interface Args {
  row: string | undefined;
  /** Whether --backends was given (else webgpu joins the default list where an adapter is). */
  backendsGiven: boolean;
  backends: string[];
  workloads: Workload[];
  reps: number;
  json: string | undefined;
  python: string | undefined;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    row: undefined,
    backendsGiven: false,
    backends: ['wasm', 'cpu'],
    workloads: ['mlp', 'cnn'],
    reps: 3,
    json: undefined,
    python: undefined,
  };
  for (let i = 0; i < argv.length; i += 2) {
    const [key, value] = [argv[i]!, argv[i + 1]];
    if (value === undefined) throw new Error(`${key} needs a value`);
    if (key === '--row') args.row = value;
    else if (key === '--profile') profileSteps = value === 'true';
    else if (key === '--backends') {
      args.backends = value.split(',');
      args.backendsGiven = true;
    } else if (key === '--probe') args.row = `probe:${value}`;
    else if (key === '--workloads') args.workloads = value.split(',') as Workload[];
    else if (key === '--reps') args.reps = Number(value);
    else if (key === '--json') args.json = value;
    else if (key === '--python') args.python = value;
    else throw new Error(`unknown flag ${key}`);
  }
  return args;
}

const here = dirname(fileURLToPath(import.meta.url));

/** One line of the table and of `--json`. */
interface Row {
  workload: Workload;
  backend: string;
  samplesPerSecond: Record<Runner | 'pytorch', number | null>;
  samplesPerCpuSecond: Record<Runner, number | null>;
  /** PyTorch's samples/s before and after this workload's rows. */
  pytorchSpread?: [number, number] | null;
  ratioToPytorch: number | null;
  ratioToPytorchByCpuTime: number | null;
  /** 1-minute load average when the row finished (2 cores: above ~1 means a busy neighbour). */
  loadAverage: number;
  errors?: Partial<Record<Runner, string>>;
}

/** A python3 that imports torch: --python, else python3 on PATH, else Debian's /usr/bin/python3. */
function findTorchPython(explicit: string | undefined): string | undefined {
  for (const python of explicit === undefined ? ['python3', '/usr/bin/python3'] : [explicit]) {
    const probe = spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' });
    if (probe.status === 0) return python;
  }
  return undefined;
}

/** One row in a fresh process; `null` with the reason when that configuration cannot train. */
function childRow(
  workload: Workload,
  backend: string,
  runner: Runner,
  reps: number,
): Rate | { error: string } {
  const child = spawnSync(
    process.execPath,
    [
      fileURLToPath(import.meta.url),
      '--row',
      `${workload}:${backend}:${runner}`,
      '--reps',
      String(reps),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (child.status !== 0) {
    const reason =
      child.stderr
        .split('\n')
        .find((line) => /Error|error:/.test(line))
        ?.trim() ?? `exit ${child.status}`;
    return { error: reason.slice(0, 200) };
  }
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Rate;
}

/** Samples per second of wall time, and per second of this process's CPU time (user + system). */
interface Rate {
  samplesPerSecond: number;
  samplesPerCpuSecond: number;
}

/** Dawn's adapter, asked in a fresh process (Dawn stays out of this one). */
function probeWebGpu(): { adapter: string } | { error: string } {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--probe', 'webgpu'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const last = child.stdout.trim().split('\n').at(-1);
  if (child.status === 0 && last) return JSON.parse(last);
  const reason = child.stderr.split('\n').find((line) => /Error/.test(line));
  return { error: reason?.trim().slice(0, 200) ?? `exit ${child.status}` };
}

function torchRate(python: string, workload: Workload, reps: number): Rate {
  const out = execFileSync(
    python,
    [
      join(here, '../bench/torch_baseline.py'),
      '--workload',
      workload,
      '--steps',
      String(WORKLOADS[workload].steps.wasm!),
      '--reps',
      String(reps),
    ],
    { encoding: 'utf8' },
  );
  const result = JSON.parse(out.trim().split('\n').at(-1)!);
  if (result.blas !== 'openblas') {
    console.error(`warning: torch runs on BLAS '${result.blas}': install libopenblas0-pthread`);
  }
  console.error(
    `pytorch ${workload}: ${result.samplesPerSecond.toFixed(0)} samples/s (${result.threads} thread(s), ${result.blas})`,
  );
  return result as Rate;
}

async function main(): Promise<void> {
  // pnpm passes a `--` separator through.
  const args = parseArgs(process.argv.slice(2).filter((a) => a !== '--'));
  if (args.row === 'probe:webgpu') {
    console.log(JSON.stringify({ adapter: await loadBenchWebGpu() }));
    releaseWebGpu();
    return;
  }
  if (args.row !== undefined) {
    const [workload, backend, runner] = args.row.split(':') as [Workload, string, Runner];
    const result = await runRow(workload, backend, runner, args.reps);
    console.log(JSON.stringify(result));
    releaseWebGpu(); // Dawn would keep this process alive

    return;
  }
  const webgpu = args.backends.includes('webgpu') || !args.backendsGiven ? probeWebGpu() : null;
  if (!args.backendsGiven && webgpu !== null && 'adapter' in webgpu) args.backends.push('webgpu');
  const python = findTorchPython(args.python);
  const torchVersion =
    python === undefined
      ? undefined
      : execFileSync(python, ['-c', 'import torch; print(torch.__version__)'], {
          encoding: 'utf8',
        }).trim();
  const rows: Row[] = [];
  for (const workload of args.workloads) {
    // PyTorch before and after this workload's tfjs rows: a busy neighbour shows as a spread.
    const torchBefore = python === undefined ? undefined : torchRate(python, workload, args.reps);
    type Measured = Omit<Row, 'samplesPerSecond' | 'ratioToPytorch' | 'ratioToPytorchByCpuTime'>;
    const measured: (Measured & { wall: Record<Runner, number | null> })[] = [];
    for (const backend of args.backends) {
      const wall = {} as Record<Runner, number | null>;
      const cpu = {} as Record<Runner, number | null>;
      const errors: Partial<Record<Runner, string>> = {};
      for (const runner of RUNNERS) {
        const row = childRow(workload, backend, runner, args.reps);
        const ok = 'samplesPerSecond' in row;
        wall[runner] = ok ? row.samplesPerSecond : null;
        cpu[runner] = ok ? row.samplesPerCpuSecond : null;
        if (!ok) errors[runner] = row.error;
        console.error(
          `${workload} ${backend} ${runner}: ${ok ? `${row.samplesPerSecond.toFixed(0)} samples/s` : `fails: ${row.error}`}`,
        );
      }
      measured.push({
        workload,
        backend,
        wall,
        samplesPerCpuSecond: cpu,
        loadAverage: loadavg()[0]!,
        ...(Object.keys(errors).length > 0 ? { errors } : {}),
      });
    }
    const torchAfter = python === undefined ? undefined : torchRate(python, workload, args.reps);
    const mean = (key: keyof Rate) =>
      torchBefore === undefined || torchAfter === undefined
        ? null
        : (torchBefore[key] + torchAfter[key]) / 2;
    const pytorch = mean('samplesPerSecond');
    const pytorchCpu = mean('samplesPerCpuSecond');
    for (const { wall, ...rest } of measured) {
      rows.push({
        ...rest,
        samplesPerSecond: { ...wall, pytorch },
        pytorchSpread:
          torchBefore === undefined || torchAfter === undefined
            ? null
            : [torchBefore.samplesPerSecond, torchAfter.samplesPerSecond],
        ratioToPytorch: pytorch === null || wall.trainer === null ? null : wall.trainer / pytorch,
        ratioToPytorchByCpuTime:
          pytorchCpu === null || rest.samplesPerCpuSecond.trainer === null
            ? null
            : rest.samplesPerCpuSecond.trainer / pytorchCpu,
      });
    }
  }
  console.log(
    `\nTraining throughput (samples/s of wall time, median of ${args.reps}; each row a fresh process; random MNIST-shaped data)`,
  );
  for (const w of args.workloads) console.log(`- ${w}: ${WORKLOADS[w].label}`);
  if (webgpu !== null)
    console.log(
      `- webgpu: ${'adapter' in webgpu ? `adapter ${webgpu.adapter}` : `no adapter (${webgpu.error}); no row unless --backends asks for one`}`,
    );
  console.log(
    `- PyTorch: ${torchVersion === undefined ? 'not available (python3 -c "import torch" fails)' : `${torchVersion} on ${python}, run before and after each workload's rows (mean)`}\n`,
  );
  console.log(
    '| workload | backend | model.fit (stock) | model.fit + kernels | Trainer (stock) | Trainer + kernels | Trainer / stock fit | PyTorch | Trainer / PyTorch | same, by CPU time | load avg |',
  );
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const rate = (v: number | null) => (v === null ? 'fails*' : v.toFixed(0));
  const ratio = (v: number | null) => (v === null ? '-' : `${v.toFixed(3)}x`);
  for (const r of rows) {
    const s = r.samplesPerSecond;
    const speedup = s.trainer === null || s.layersFit === null ? null : s.trainer / s.layersFit;
    console.log(
      `| ${r.workload} | ${r.backend} | ${rate(s.layersFit)} | ${rate(s.layersFitKernels)} | ${rate(s.trainerStock)} | ${rate(s.trainer)} | ${speedup === null ? '-' : `${speedup.toFixed(2)}x`} | ${s.pytorch === null ? '-' : s.pytorch.toFixed(0)} | ${ratio(r.ratioToPytorch)} | ${ratio(r.ratioToPytorchByCpuTime)} | ${r.loadAverage.toFixed(1)} |`,
    );
  }
  for (const row of rows) {
    for (const [runner, error] of Object.entries(row.errors ?? {})) {
      console.log(`\n*${row.workload} ${row.backend} ${runner}: ${error}`);
    }
  }
  if (args.json !== undefined) {
    writeFileSync(args.json, `${JSON.stringify(rows, null, 2)}\n`);
    console.log(`\nwrote ${args.json}`);
  }
}

await main();
