import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataFormatError, InvalidArgumentError } from '@overfit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnistFromUrl } from './fetch.js';
import { syntheticMnist } from './idx-builder.test-util.js';
import { MNIST_FILE_NAMES } from './mnist.js';

// A real HTTP server on 127.0.0.1 and the real global fetch: the loader is exercised as the
// browser uses it, with synthetic MNIST-shaped files.
const files = syntheticMnist(20, 5, (i) => i);
const served = new Map<string, Uint8Array>([
  [`/mnist/${MNIST_FILE_NAMES.trainImages}`, files.trainImages],
  [`/mnist/${MNIST_FILE_NAMES.trainLabels}`, files.trainLabels],
  [`/mnist/${MNIST_FILE_NAMES.testImages}`, files.testImages],
  [`/mnist/${MNIST_FILE_NAMES.testLabels}`, files.testLabels],
  [`/broken/${MNIST_FILE_NAMES.trainImages}`, files.trainImages],
  [`/broken/${MNIST_FILE_NAMES.trainLabels}`, files.trainLabels.subarray(0, 12)],
  [`/broken/${MNIST_FILE_NAMES.testImages}`, files.testImages],
  [`/broken/${MNIST_FILE_NAMES.testLabels}`, files.testLabels],
]);
const requests: string[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url?.startsWith('/cut/')) {
      // Promises 1000 bytes, sends 10, then drops the connection.
      res.writeHead(200, { 'content-length': '1000' });
      res.write(Buffer.alloc(10));
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    const body = served.get(req.url ?? '');
    if (!body) {
      res.writeHead(404, 'Not Found').end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('loadMnistFromUrl', () => {
  it('fetches the four original file names and assembles the splits', async () => {
    requests.length = 0;
    const data = await loadMnistFromUrl(`${base}/mnist`, {
      validationSplit: 0.25,
      normalize: 'none',
    });
    expect([...requests].sort()).toEqual(
      Object.values(MNIST_FILE_NAMES)
        .map((n) => `/mnist/${n}`)
        .sort(),
    );
    expect([data.train.count, data.validation.count, data.test.count]).toEqual([15, 5, 5]);
    expect(data.validation.images[0]).toBe(15);
    expect(Array.from(data.test.labels)).toEqual([0, 1, 2, 3, 4]);
  });

  it('gives the same result with a trailing slash and as mnistFromIdx would', async () => {
    const a = await loadMnistFromUrl(`${base}/mnist/`, { seed: 5 });
    const b = await loadMnistFromUrl(`${base}/mnist`, { seed: 5 });
    expect(a.train.images).toEqual(b.train.images);
    expect(a.normalization).toEqual(b.normalization);
  });

  it('uses the fetch it is given', async () => {
    const seen: string[] = [];
    const data = await loadMnistFromUrl(`${base}/mnist`, { limit: 10 }, (url) => {
      seen.push(url);
      return fetch(url);
    });
    expect(seen).toHaveLength(4);
    expect(data.train.count).toBe(9);
  });

  it('reports an HTTP error with the URL', async () => {
    const error = await loadMnistFromUrl(`${base}/missing`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFormatError);
    expect((error as Error).message).toMatch(
      new RegExp(`^could not fetch ${base}/missing/\\S+-ubyte: HTTP 404 Not Found$`),
    );
  });

  it('reports a network failure with the URL', async () => {
    const error = await loadMnistFromUrl('http://mnist.invalid/', {}, () =>
      Promise.reject(new TypeError('fetch failed')),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFormatError);
    expect((error as Error).message).toMatch(
      /^could not fetch http:\/\/mnist\.invalid\/[a-z0-9-]+-ubyte: fetch failed$/,
    );
  });

  it('reports a body cut short (connection dropped after the headers) with the URL', async () => {
    const error = await loadMnistFromUrl(`${base}/cut`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFormatError);
    expect((error as Error).message).toMatch(
      new RegExp(`^could not read ${base}/cut/\\S+-ubyte: `),
    );
  });

  it('reports a response whose body cannot be read, with the URL', async () => {
    const error = await loadMnistFromUrl('http://mnist.invalid/', {}, async () => ({
      ok: true,
      status: 200,
      statusText: 'OK',
      arrayBuffer: () => Promise.reject(new TypeError('terminated')),
    })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFormatError);
    expect((error as Error).message).toMatch(
      /^could not read http:\/\/mnist\.invalid\/[a-z0-9-]+-ubyte: terminated$/,
    );
  });

  it('reports a malformed file with its name and the base URL', async () => {
    await expect(loadMnistFromUrl(`${base}/broken`)).rejects.toThrow(
      `train-labels-idx1-ubyte is not a valid IDX file: truncated data for uint8 [20]: expected 28 bytes, got 12 (from ${base}/broken)`,
    );
  });

  it('rejects bad arguments before any request', async () => {
    requests.length = 0;
    await expect(loadMnistFromUrl('', {})).rejects.toThrow(InvalidArgumentError);
    await expect(loadMnistFromUrl(`${base}/mnist`, { validationSplit: 2 })).rejects.toThrow(
      'options.validationSplit must be a number in [0, 1), got 2',
    );
    await expect(loadMnistFromUrl(`${base}/mnist`, {}, 'fetch' as never)).rejects.toThrow(
      /fetchFn must be a fetch function/,
    );
    expect(requests).toEqual([]);
  });
});
