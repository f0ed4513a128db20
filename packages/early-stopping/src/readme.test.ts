// The README's ModelCheckpoint example, run as written (in a temporary directory).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelCheckpoint } from '@overfit/early-stopping';
import { directoryHandler } from '@overfit/early-stopping/node';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'overfit-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('README: ModelCheckpoint', () => {
  it('saves the best epoch to a directory and reloads it', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ units: 16, activation: 'relu', inputShape: [4] }),
        tf.layers.dense({ units: 1 }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
    const x = tf.randomNormal([32, 4], 0, 1, 'float32', 1);
    const y = tf.sum(x, 1, true);

    const ckpt = new ModelCheckpoint({ filepath: `${dir}/best`, handler: directoryHandler });
    await model.fit(x, y, { epochs: 5, validationSplit: 0.25, callbacks: [ckpt] });
    const best = await tf.loadLayersModel(directoryHandler(`${dir}/best`));

    expect(ckpt.saved.length).toBeGreaterThan(0);
    expect(ckpt.saved.at(-1)!.epoch).toBe(ckpt.bestEpoch);
    expect(best.weights.map((w) => w.shape)).toEqual(model.weights.map((w) => w.shape));
    tf.dispose([x, y]);
    model.dispose();
    best.dispose();
  });
});
