import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const setup = fileURLToPath(new URL('../test/setup-tfjs.ts', import.meta.url));
const kernels = fileURLToPath(new URL('./src/lib/test-setup.ts', import.meta.url));
const packagesDir = fileURLToPath(new URL('../packages/', import.meta.url));

// Each spec runs an example's `--quick` setting end to end and asserts its claim, on the
// runner's default backend (wasm with @overfit/kernels installed): on tfjs' cpu backend the
// same suite takes several times longer (dispatch cost per op), and the packages' own specs
// already cover cpu/wasm agreement. `OVERFIT_TEST_BACKEND=cpu pnpm test` runs it on cpu.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@overfit\/data\/node$/, replacement: `${packagesDir}data/src/node.ts` },
      { find: /^@overfit\/([a-z-]+)$/, replacement: `${packagesDir}$1/src/index.ts` },
    ],
  },
  test: {
    name: process.env.OVERFIT_TEST_BACKEND ?? 'wasm',
    include: ['src/**/*.test.ts'],
    env: { OVERFIT_TEST_BACKEND: process.env.OVERFIT_TEST_BACKEND ?? 'wasm' },
    setupFiles: [setup, kernels],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
