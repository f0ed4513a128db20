/**
 * MNIST for the worker: the four gzip'd IDX files are fetched once (the Cache API keeps the
 * compressed responses across page loads), inflated with `DecompressionStream('gzip')` once per
 * worker, and kept as bytes; each run decodes only the subset it asks for (mnistFromIdx gathers
 * the first `limit` images, not all 60000).
 */
import { DataFormatError } from '@overfit/core';
import { MNIST_FILE_NAMES, type MnistData, type MnistFiles, mnistFromIdx } from '@overfit/data';

const CACHE_NAME = 'overfit-lab-mnist-v1';

export interface MnistSourceStats {
  /** Files served from the Cache API (no network). */
  fromCache: number;
  /** Files downloaded. */
  downloaded: number;
  /** Compressed bytes read. */
  compressedBytes: number;
}

async function cachedResponse(url: string, stats: MnistSourceStats): Promise<Response> {
  const cache = typeof caches === 'undefined' ? undefined : await caches.open(CACHE_NAME);
  const hit = await cache?.match(url);
  if (hit) {
    stats.fromCache++;
    return hit;
  }
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new DataFormatError(
      `could not fetch ${url}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!response.ok)
    throw new DataFormatError(
      `could not fetch ${url}: HTTP ${response.status} ${response.statusText}`,
    );
  stats.downloaded++;
  if (cache) await cache.put(url, response.clone());
  return response;
}

async function inflate(
  response: Response,
  url: string,
  stats: MnistSourceStats,
): Promise<Uint8Array> {
  const compressed = await response.arrayBuffer();
  stats.compressedBytes += compressed.byteLength;
  const head = new Uint8Array(compressed, 0, Math.min(2, compressed.byteLength));
  if (head[0] !== 0x1f || head[1] !== 0x8b)
    throw new DataFormatError(
      `${url} is not a gzip file (first bytes ${Array.from(head).join(', ')})`,
    );
  const stream = new Blob([compressed]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

let files: Promise<{ files: MnistFiles; stats: MnistSourceStats }> | undefined;

/** The four raw IDX files (inflated), fetched and inflated at most once per worker. */
export function mnistFiles(
  baseUrl: string,
): Promise<{ files: MnistFiles; stats: MnistSourceStats }> {
  files ??= (async () => {
    const stats: MnistSourceStats = { fromCache: 0, downloaded: 0, compressedBytes: 0 };
    const keys = Object.keys(MNIST_FILE_NAMES) as (keyof MnistFiles)[];
    const bytes = await Promise.all(
      keys.map(async (key) => {
        const url = new URL(`${MNIST_FILE_NAMES[key]}.gz`, baseUrl).href;
        return inflate(await cachedResponse(url, stats), url, stats);
      }),
    );
    return {
      files: Object.fromEntries(keys.map((k, i) => [k, bytes[i]])) as unknown as MnistFiles,
      stats,
    };
  })();
  // A failed load is retried by the next call rather than remembered.
  files.catch(() => {
    files = undefined;
  });
  return files;
}

/** The requested subset: `limit` training images (10 % validation), `testLimit` test images, x/255. */
export async function loadMnist(
  baseUrl: string,
  options: { limit: number; testLimit: number; seed: number },
): Promise<{ data: MnistData; stats: MnistSourceStats }> {
  const { files: raw, stats } = await mnistFiles(baseUrl);
  const data = mnistFromIdx(raw, {
    limit: options.limit,
    testLimit: options.testLimit,
    validationSplit: 0.1,
    normalize: 'unit',
    seed: options.seed,
  });
  return { data, stats };
}
