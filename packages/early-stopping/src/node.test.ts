// The Node directory handler: tfjs' model.json + weights.bin, and a save that fails at any
// file operation leaves the previous checkpoint as it was (and no temporary files).

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelCheckpoint } from './checkpoint.js';
import { type DirectoryFs, directoryHandler, MODEL_JSON, WEIGHTS_BIN } from './node.js';

const root = mkdtempSync(join(tmpdir(), 'overfit-dir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function model(seed: number): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({
        units: 3,
        inputShape: [2],
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
      }),
    ],
  });
}

const REAL = { link, mkdir, readFile, rename, rm, writeFile };

/** `node:fs/promises`, except that call number `failAt` (counting every operation) throws EIO. */
function failingFs(failAt: number): DirectoryFs & { calls: string[] } {
  const calls: string[] = [];
  const wrap =
    (name: keyof DirectoryFs) =>
    (...args: unknown[]) => {
      calls.push(name);
      if (calls.length === failAt && name !== 'rm')
        return Promise.reject(Object.assign(new Error(`EIO: injected ${name}`), { code: 'EIO' }));
      return (REAL[name] as (...a: unknown[]) => Promise<never>)(...args);
    };
  return {
    calls,
    mkdir: wrap('mkdir'),
    writeFile: wrap('writeFile'),
    readFile: wrap('readFile'),
    rename: wrap('rename'),
    link: wrap('link'),
    rm: wrap('rm'),
  } as DirectoryFs & { calls: string[] };
}

describe('directoryHandler', () => {
  it('writes model.json + weights.bin that tf.loadLayersModel reads back', async () => {
    const dir = join(root, 'plain');
    const m = model(1);
    await m.save(directoryHandler(dir));
    expect(readdirSync(dir).sort()).toEqual([MODEL_JSON, WEIGHTS_BIN]);
    const json = JSON.parse(readFileSync(join(dir, MODEL_JSON), 'utf8'));
    expect(json.weightsManifest[0].paths).toEqual([`./${WEIGHTS_BIN}`]);
    expect(readFileSync(join(dir, WEIGHTS_BIN)).byteLength).toBe((2 * 3 + 3) * 4);
    const back = await tf.loadLayersModel(directoryHandler(dir));
    const x = tf.tensor2d([[1, 2]]);
    const [a, b] = [m.predict(x) as tf.Tensor, back.predict(x) as tf.Tensor];
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b]);
    m.dispose();
    back.dispose();
  });

  it('a failure at any step of a save keeps the previous checkpoint intact', async () => {
    const dir = join(root, 'atomic');
    const old = model(1);
    await old.save(directoryHandler(dir));
    const oldFiles = [MODEL_JSON, WEIGHTS_BIN].map((f) => readFileSync(join(dir, f)));
    const next = model(2);
    // mkdir, writeFile weights, writeFile json, link old weights, rename weights, rename json.
    const steps = failingFs(Number.POSITIVE_INFINITY);
    await next.save(directoryHandler(join(root, 'count'), { fs: steps }));
    const ops = steps.calls.filter((c) => c !== 'rm');
    expect(ops).toEqual(['mkdir', 'writeFile', 'writeFile', 'link', 'rename', 'rename']);
    for (let failAt = 1; failAt <= ops.length; failAt++) {
      const fs = failingFs(failAt);
      await expect(next.save(directoryHandler(dir, { fs }))).rejects.toThrow(/EIO: injected/);
      expect(readdirSync(dir).sort()).toEqual([MODEL_JSON, WEIGHTS_BIN]);
      for (const [i, f] of [MODEL_JSON, WEIGHTS_BIN].entries())
        expect(readFileSync(join(dir, f)).equals(oldFiles[i]!)).toBe(true);
    }
    // And a save that succeeds replaces both.
    await next.save(directoryHandler(dir));
    expect(readFileSync(join(dir, WEIGHTS_BIN)).equals(oldFiles[1]!)).toBe(false);
    old.dispose();
    next.dispose();
  });

  it('ModelCheckpoint rejects the epoch on an I/O error, keeps the last good save, leaks nothing', async () => {
    const dir = join(root, 'ckpt');
    const m = model(3);
    let fail = false;
    const ckpt = new ModelCheckpoint({
      filepath: dir,
      handler: (path) => directoryHandler(path, { fs: fail ? failingFs(2) : undefined }),
    });
    ckpt.setModel(m);
    await ckpt.onTrainBegin();
    await ckpt.onEpochEnd(0, { valLoss: 1 });
    const good = readFileSync(join(dir, WEIGHTS_BIN));
    fail = true;
    const before = tf.memory().numTensors;
    await expect(ckpt.onEpochEnd(1, { valLoss: 0.5 })).rejects.toThrow(/EIO/);
    expect(tf.memory().numTensors).toBe(before);
    expect(readFileSync(join(dir, WEIGHTS_BIN)).equals(good)).toBe(true);
    expect(ckpt.bestValue).toBe(1); // the failed save is not the best
    m.dispose();
  });

  it('a directory path that is a file fails with the fs error; bad JSON is a DataFormatError', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    const m = model(4);
    await expect(m.save(directoryHandler(file))).rejects.toThrow(/EEXIST|ENOTDIR/);
    const dir = join(root, 'bad-json');
    await m.save(directoryHandler(dir));
    writeFileSync(join(dir, MODEL_JSON), '{');
    await expect(directoryHandler(dir).load!()).rejects.toThrow(/model.json is not JSON/);
    expect(() => directoryHandler('')).toThrow(/dir/);
    m.dispose();
  });
});
