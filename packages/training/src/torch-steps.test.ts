// One epoch (two steps) of the Trainer against PyTorch (fixtures/make_trainer_steps.py, torch 1.13).
import { l1, l2 } from '@overfit/regularizers';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { testBackend, tolerance } from '../../../test/backend.js';
import ref from '../fixtures/trainer_steps.json';
import { Trainer, type TrainerArgs } from './index.js';

/** The fixture's MLP 4 -> 5 (tanh) -> 3 with its initial weights. */
function model(): tf.Sequential {
  const m = tf.sequential({
    layers: [
      tf.layers.dense({ units: 5, activation: 'tanh', inputShape: [4] }),
      tf.layers.dense({ units: 3 }),
    ],
  });
  m.setWeights(ref.weights.map((w) => tf.tensor(w)));
  return m;
}

type Case = (typeof ref.cases)['sgd'];

function expectWeights(m: tf.LayersModel, want: Case['weights']): void {
  m.getWeights().forEach((w, i) => {
    const got = w.dataSync();
    const expected = want[i]!.flat();
    for (let j = 0; j < expected.length; j++) {
      expect(Math.abs(got[j]! - expected[j]!), `weight ${i}[${j}]`).toBeLessThanOrEqual(
        tolerance * Math.max(1, Math.abs(expected[j]!)),
      );
    }
  });
}

const relClose = (got: number, want: number) =>
  expect(Math.abs(got - want) / Math.abs(want)).toBeLessThan(tolerance);

async function runCase(
  want: Case,
  args: Omit<TrainerArgs, 'model'>,
): Promise<{ history: Awaited<ReturnType<Trainer['fit']>>; m: tf.LayersModel }> {
  const m = model();
  const x = tf.tensor(ref.x);
  const y = tf.tensor1d(ref.y, 'int32');
  const trainer = new Trainer({ model: m, seed: 1, ...args });
  const history = await trainer.fit({ x, y }, { epochs: 1, batchSize: 3, shuffle: false });
  expectWeights(m, want.weights);
  relClose(history.history.loss![0]!, want.loss);
  const evaluated = await trainer.evaluate({ x, y });
  relClose(evaluated.loss, want.evaluate.loss);
  expect(evaluated.accuracy).toBeCloseTo(want.evaluate.accuracy, 6);
  tf.dispose([x, y]);
  return { history, m };
}

describe(`Trainer steps against PyTorch [${testBackend}]`, () => {
  const c = ref.cases;

  it('SGD: weights after two steps, the epoch loss and evaluate()', async () => {
    (await runCase(c.sgd, { optimizer: tf.train.sgd(0.1) })).m.dispose();
  });

  it('SGD with momentum 0.9 (torch.optim.SGD(momentum))', async () => {
    (await runCase(c.momentum, { optimizer: tf.train.momentum(0.1, 0.9) })).m.dispose();
  });

  it('Adam (torch.optim.Adam, eps 1e-7)', async () => {
    (await runCase(c.adam, { optimizer: tf.train.adam(0.01, 0.9, 0.999, 1e-7) })).m.dispose();
  });

  it('l2(0.01) on the kernels: 0.01 * sum W^2 added to the objective (and to the logged loss)', async () => {
    const { history, m } = await runCase(c.l2, {
      optimizer: tf.train.sgd(0.1),
      penalties: [l2(0.01)],
    });
    relClose(history.history.penalty![0]!, c.l2.penalty);
    m.dispose();
  });

  it('l1(0.01) on the kernels', async () => {
    const { history, m } = await runCase(c.l1, {
      optimizer: tf.train.sgd(0.1),
      penalties: [l1(0.01)],
    });
    relClose(history.history.penalty![0]!, c.l1.penalty);
    m.dispose();
  });

  it('classWeight: CrossEntropyLoss(weight) per batch, epoch loss weighted by the batch weight sums', async () => {
    (
      await runCase(c.classWeight, { optimizer: tf.train.sgd(0.1), classWeight: ref.classWeight })
    ).m.dispose();
  });

  it('clip.globalNorm: clip_grad_norm_ over all parameters together', async () => {
    const { history, m } = await runCase(c.clipNorm, {
      optimizer: tf.train.sgd(0.5),
      clip: { globalNorm: 0.1 },
    });
    expect(history.epochs[0]!.diagnostics!.preClipGlobalNorm!.max).toBeGreaterThan(0.1); // active
    m.dispose();
  });

  it('clip.value: clip_grad_value_', async () => {
    (
      await runCase(c.clipValue, { optimizer: tf.train.sgd(0.5), clip: { value: 0.02 } })
    ).m.dispose();
  });

  it('clip with both: clip_grad_norm_, then clip_grad_value_', async () => {
    (
      await runCase(c.clipBoth, {
        optimizer: tf.train.sgd(0.5),
        clip: { globalNorm: 0.1, value: 0.008 },
      })
    ).m.dispose();
  });
});
