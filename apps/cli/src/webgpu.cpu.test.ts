// WebGPU (Dawn) against cpu in one process. Runs once, in the cpu project: cpu is the
// reference. Where no adapter can be had the suite is skipped and says why; `.ci/run` provides
// a software Vulkan (lavapipe) and sets OVERFIT_WEBGPU_REQUIRED=1, so there a missing adapter
// fails instead.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAugmentationSpec } from '@overfit/augmentation';
import { Rng } from '@overfit/core';
import { EarlyStopping } from '@overfit/early-stopping';
import { Trainer } from '@overfit/training';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { describeAdapter, loadWebGpu, releaseWebGpu, type WebGpuAdapter } from './webgpu.js';

/** CONVENTIONS.md: 1e-3 relative on webgpu; the absolute floor covers values that are ~0. */
const RELATIVE = 1e-3;
const FLOOR = 1e-5;
/** Wall-clock fields, which differ by nature. */
const TIMINGS = /^(durationMs|seconds|samplesPerSecond)$/;

async function setUpWebGpu(): Promise<WebGpuAdapter | string> {
  try {
    const adapter = await loadWebGpu({ allowSoftware: true });
    if (!(await tf.setBackend('webgpu'))) return 'the webgpu backend failed to initialize';
    await tf.setBackend('cpu');
    return adapter;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const setup = await setUpWebGpu();
const unavailable = typeof setup === 'string' ? setup : undefined;
if (unavailable !== undefined)
  console.warn(`webgpu specs skipped: no WebGPU adapter: ${unavailable}`);

// The built binary (turbo builds it before this package's tests).
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
function overfit(...args: string[]) {
  return spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 600_000 });
}

afterAll(async () => {
  releaseWebGpu();
  await tf.setBackend('cpu');
});

/** Every number in `actual` within tolerance of the same place in `expected`; same shape otherwise. */
function expectClose(actual: unknown, expected: unknown, path = 'value'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (Number.isNaN(expected)) return void expect(actual, path).toBeNaN();
    const bound = RELATIVE * Math.abs(expected) + FLOOR;
    if (!(Math.abs(actual - expected) <= bound))
      throw new Error(
        `${path}: webgpu ${actual}, cpu ${expected} (allowed ±${bound.toExponential(2)})`,
      );
    return;
  }
  if (Array.isArray(expected) || (typeof expected === 'object' && expected !== null)) {
    expect(Object.keys(actual as object).sort(), path).toEqual(Object.keys(expected).sort());
    for (const [key, value] of Object.entries(expected))
      if (!TIMINGS.test(key))
        expectClose((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
    return;
  }
  expect(actual, path).toEqual(expected);
}

/** 20 steps (2 epochs of 10 batches) with validation, diagnostics, clipping and early stopping. */
async function twentySteps(backend: string) {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const init = (seed: number) => ({ kernelInitializer: tf.initializers.heNormal({ seed }) });
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [24],
        units: 32,
        activation: 'relu',
        name: 'hidden_1',
        ...init(1),
      }),
      tf.layers.dense({ units: 16, activation: 'relu', name: 'hidden_2', ...init(2) }),
      tf.layers.dense({ units: 4, name: 'output', ...init(3) }),
    ],
  });
  const { x, y, valX, valY } = tf.tidy(() => {
    // Labels that depend on the inputs, so the metrics move: the argmax of four input sums.
    const all = tf.randomUniform([200, 24], -1, 1, 'float32', 11);
    const labels = tf.argMax(tf.sum(tf.reshape(all, [200, 4, 6]), 2), 1);
    return {
      x: all.slice([0, 0], [160, 24]),
      y: labels.slice([0], [160]),
      valX: all.slice([160, 0], [40, 24]),
      valY: labels.slice([160], [40]),
    };
  });
  // min-delta 10: epoch 2 cannot improve that much, so training stops there and restores epoch 1.
  const stopping = new EarlyStopping({
    monitor: 'valLoss',
    patience: 0,
    minDelta: 10,
    restoreBestWeights: true,
  });
  const optimizer = tf.train.adam(1e-2);
  const trainer = new Trainer({
    model,
    optimizer,
    numClasses: 4,
    seed: 5,
    clip: { globalNorm: 1 },
    diagnostics: { gradientNorms: { every: 1 }, distributions: true },
    callbacks: [stopping],
  });
  try {
    const history = await trainer.fit(
      { x, y },
      { epochs: 5, batchSize: 16, validationData: { x: valX, y: valY } },
    );
    const evaluation = await trainer.evaluate({ x: valX, y: valY });
    // data(), not dataSync(): webgpu's synchronous read needs OffscreenCanvas, which Node lacks.
    const weights = await Promise.all(
      model.getWeights().map(async (w) => Array.from(await w.data())),
    );
    const { message: _message, ...earlyStopping } = stopping.result();
    return { history, evaluation, weights, earlyStopping, before };
  } finally {
    tf.dispose([x, y, valX, valY]);
    optimizer.dispose();
    stopping.dispose();
    model.dispose();
  }
}

describe.skipIf(unavailable !== undefined)(
  `webgpu parity with cpu${unavailable === undefined ? '' : ` (skipped: no WebGPU adapter: ${unavailable})`}`,
  () => {
    it('runs on the adapter Dawn reports', () => {
      const adapter = setup as WebGpuAdapter;
      expect(describeAdapter(adapter)).toContain(adapter.vendor);
      expect(typeof adapter.software).toBe('boolean');
    });

    it('adds more tensors than the device binds at once (AddN split) as cpu does, leaking none', async () => {
      const values = Array.from({ length: 37 }, (_, i) => [i, -2 * i, 0.5 * i]);
      const sum = async (backend: string) => {
        await tf.setBackend(backend);
        const before = tf.memory().numTensors;
        const terms = values.map((v) => tf.tensor1d(v));
        const total = tf.addN(terms);
        const result = Array.from(await total.data());
        tf.dispose([...terms, total]);
        expect(tf.memory().numTensors).toBe(before);
        return result;
      };
      const expected = await sum('cpu');
      expect(expected).toEqual([666, -1332, 333]);
      expectClose(await sum('webgpu'), expected, 'addN');
    });

    it('augments as cpu does: geometric (image.transform), photometric and erasing, leaking none', async () => {
      const pipeline = parseAugmentationSpec('rotate(15),translate(0.1),brightness(0.2),erase(1)');
      const augment = async (backend: string) => {
        await tf.setBackend(backend);
        const before = tf.memory().numTensors;
        // A smooth image: a pixel near a sampling boundary then moves little between backends.
        const images = tf.tidy(() => {
          const ramp = tf.linspace(0, 1, 28);
          const grid = tf.mul(tf.reshape(ramp, [28, 1]), tf.reshape(tf.sub(1, ramp), [1, 28]));
          return tf.tile(tf.reshape(grid, [1, 28, 28, 1]), [4, 1, 1, 1]);
        });
        const params = pipeline.sampleParams(images.shape, new Rng(9));
        const out = pipeline.apply(images, params);
        const values = Array.from(await out.data());
        tf.dispose([images, out]);
        expect(tf.memory().numTensors).toBe(before);
        return values;
      };
      const expected = await augment('cpu');
      expectClose(await augment('webgpu'), expected, 'augmented');
    });

    it('trains 20 steps as cpu does: losses, metrics, diagnostics, early stopping, weights; no leaks', async () => {
      const cpu = await twentySteps('cpu');
      const gpu = await twentySteps('webgpu');
      expect(gpu.history.epochs).toHaveLength(2);
      expect(gpu.history.gradientSteps).toHaveLength(20);
      expect(gpu.earlyStopping).toMatchObject({ stoppedEpoch: 1, bestEpoch: 0 });
      expectClose(gpu.earlyStopping, cpu.earlyStopping, 'earlyStopping');
      expectClose(gpu.history, cpu.history, 'history');
      expectClose(gpu.evaluation, cpu.evaluation, 'evaluation');
      expectClose(gpu.weights, cpu.weights, 'weights');
      // Everything made on webgpu was disposed (tensors, and with them their GPU buffers).
      await tf.setBackend('webgpu');
      expect(tf.memory().numTensors).toBe(gpu.before);
      const again = await twentySteps('webgpu');
      expect(tf.memory().numTensors).toBe(again.before);
      expect(again.before).toBe(gpu.before);
    });
  },
);

describe.skipIf(unavailable !== undefined)('overfit train --backend webgpu (built CLI)', () => {
  it('trains on MNIST, reports backend webgpu with its adapter, and exits by itself', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'overfit-webgpu-')), 'report');
    const run = overfit(
      'train',
      '--backend',
      'webgpu',
      '--limit',
      '2000',
      '--epochs',
      '1',
      '--report',
      dir,
    );
    expect(run.stderr).not.toMatch(/unexpected error/);
    expect(run.signal).toBeNull();
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^backend: webgpu$/m);
    expect(run.stdout).toMatch(/^adapter: \S+ \S+ \(.+\)$/m);
    expect(run.stdout).toMatch(/^epoch 1\/1: data_loss .* train_macro_f1 .* val_macro_f1 /m);
    const report = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
    expect(report.backend).toBe('webgpu');
    expect(report.runs).toHaveLength(1);
    expect(report.runs[0].test.macroF1).toBeGreaterThan(0.6);
    // the end-of-run summaries are read asynchronously (no dataSync on WebGPU in Node)
    expect(report.runs[0].summary.weightNorm).toBeGreaterThan(0);
    expect(report.runs[0].weightHistogram.counts).toHaveLength(40);
  });

  it('auto never picks a software adapter over wasm, and says why', () => {
    if ((setup as WebGpuAdapter).software !== true) return;
    const run = overfit(
      'train',
      '--backend',
      'auto',
      '--limit',
      '500',
      '--epochs',
      '1',
      '--hidden',
      '16',
      '--depth',
      '1',
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /^backend: (wasm|tensorflow) \(.*webgpu: software adapter .* is slower than wasm/m,
    );
  });
});

describe('overfit doctor (built CLI)', () => {
  it('lists each backend, the Vulkan drivers, what Dawn reports and the kernels', () => {
    const run = overfit('doctor');
    expect(run.status).toBe(0);
    for (const name of ['tensorflow', 'webgpu', 'wasm', 'cpu'])
      expect(run.stdout).toMatch(new RegExp(`^  ${name}: (ok|not usable: .+)`, 'm'));
    expect(run.stdout).toMatch(/^ {2}wasm: ok$/m);
    expect(run.stdout).toMatch(/^auto picks: (wasm|tensorflow|webgpu)$/m);
    expect(run.stdout).toMatch(/^Vulkan drivers/m);
    expect(run.stdout).toMatch(/^Dawn \(package webgpu \d+\.\d+\.\d+\):$/m);
    expect(run.stdout).toMatch(/^kernels: @overfit\/kernels on wasm: /m);
    if (unavailable === undefined) {
      expect(run.stdout).toMatch(/^ {2}webgpu: ok on /m);
      expect(run.stdout).toMatch(/^ {2}adapter: /m);
    }
  });

  it('takes no options', () => {
    const run = overfit('doctor', '--epochs', '2');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^overfit: doctor takes no options, got --epochs$/m);
  });
});

describe.runIf(unavailable !== undefined && process.env.OVERFIT_WEBGPU_REQUIRED === '1')(
  'webgpu (required here: OVERFIT_WEBGPU_REQUIRED=1)',
  () => {
    it('has an adapter', () => {
      throw new Error(`no WebGPU adapter: ${unavailable}`);
    });
  },
);

describe('releaseWebGpu', () => {
  it('drops navigator.gpu and the webgpu backend, and is a no-op the second time', () => {
    releaseWebGpu();
    expect((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu).toBeUndefined();
    expect(tf.findBackendFactory('webgpu')).toBeNull();
    releaseWebGpu();
  });
});
