import { installKernels } from '@overfit/kernels';
import { Trainer } from '@overfit/training';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRun } from './build.js';
import { ASSIGNMENT, DEFAULT_CONFIG, type LabConfig, withoutRegularization } from './config.js';

const small: LabConfig = { ...DEFAULT_CONFIG, depth: 2, hidden: 16, batchSize: 16, epochs: 1 };

async function trainOnce(config: LabConfig, n = 32) {
  const built = buildRun(config);
  const x = tf.randomUniform([n, 28, 28, 1], 0, 1, 'float32', 1);
  const y = tf.tensor1d(
    Array.from({ length: n }, (_, i) => i % 10),
    'int32',
  );
  try {
    const trainer = new Trainer({
      model: built.model,
      optimizer: built.optimizer,
      numClasses: 10,
      seed: config.seed,
      penalties: built.penalties,
      constraints: built.constraints,
      ...(built.loss ? { loss: built.loss } : {}),
      ...(built.augment ? { augment: built.augment } : {}),
      callbacks: built.callbacks,
    });
    const history = await trainer.fit(
      { x, y },
      { epochs: 1, batchSize: Math.min(16, n), validationData: { x, y } },
    );
    return { history, layers: built.model.layers.map((l) => l.getClassName()) };
  } finally {
    tf.dispose([x, y]);
    built.optimizer.dispose();
    built.model.dispose();
  }
}

describe('lab buildRun', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  afterAll(() => {
    tf.disposeVariables();
  });

  it('combines every regularizer in one MLP run: penalties, DropConnect, dropout, decay, smoothing, max-norm, augmentation, early stopping', async () => {
    const before = tf.memory().numTensors;
    const config: LabConfig = {
      ...small,
      l1: 0.001,
      l2: 0.01,
      elastic: 0.01,
      weightDecay: 0.01,
      dropout: 0.2,
      dropConnect: 0.2,
      labelSmoothing: 0.1,
      maxNorm: 3,
      augmentation: 'mnist',
      earlyStopping: true,
    };
    const built = buildRun(config);
    expect(built.penalties.map((p) => p.name)).toHaveLength(3);
    expect(built.constraints).toHaveLength(1);
    expect(built.optimizer.getClassName()).toContain('DecoupledWeightDecay');
    built.model.dispose();
    built.optimizer.dispose();
    const { history, layers } = await trainOnce(config);
    expect(layers).toContain('OverfitDropConnectDense');
    expect(layers).toContain('OverfitDropout');
    const e = history.epochs[0]!;
    expect(Number.isFinite(e.loss)).toBe(true);
    expect(e.penalty).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('trains the small CNN with augmentation (wasm with @overfit/kernels, as in the browser)', async () => {
    // tfjs' cpu conv backprop is ~1 sample/s; wasm lacks Conv2DBackpropFilter until installKernels().
    await tf.setBackend('wasm');
    installKernels();
    try {
      const config: LabConfig = {
        ...small,
        architecture: 'cnn',
        augmentation: 'light',
        batchSize: 8,
      };
      const { history, layers } = await trainOnce(config, 16);
      expect(layers.filter((l) => l === 'Conv2D')).toHaveLength(2);
      expect(Number.isFinite(history.epochs[0]!.loss)).toBe(true);
    } finally {
      await tf.setBackend('cpu');
    }
  });

  it("gives the assignment's four runs the same initial weights", async () => {
    const base = withoutRegularization(small);
    const firstWeights = ASSIGNMENT.map((a) => {
      const built = buildRun({ ...base, ...a.overrides });
      const w = built.model.getWeights().map((t) => Array.from(t.dataSync()));
      built.model.dispose();
      built.optimizer.dispose();
      return w;
    });
    for (const w of firstWeights.slice(1)) expect(w).toEqual(firstWeights[0]);
  });
});
