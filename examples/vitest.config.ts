import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const setup = fileURLToPath(new URL('../test/setup-tfjs.ts', import.meta.url));
const packagesDir = fileURLToPath(new URL('../packages/', import.meta.url));

// The examples' claims are asserted on the cpu backend only: each spec runs an example's
// `--quick` setting end to end (the packages' own specs cover cpu/wasm agreement).
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@overfit\/data\/node$/, replacement: `${packagesDir}data/src/node.ts` },
      { find: /^@overfit\/([a-z-]+)$/, replacement: `${packagesDir}$1/src/index.ts` },
    ],
  },
  test: {
    name: 'cpu',
    include: ['src/**/*.test.ts'],
    env: { OVERFIT_TEST_BACKEND: process.env.OVERFIT_TEST_BACKEND ?? 'cpu' },
    setupFiles: [setup],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
