import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const setup = fileURLToPath(new URL('./test/setup-tfjs.ts', import.meta.url));
const packagesDir = fileURLToPath(new URL('./packages/', import.meta.url));

/** Specs import sibling packages from source, so a spec never runs against a stale build. */
const sourceAliases = [
  { find: /^@overfit\/(data|early-stopping)\/node$/, replacement: `${packagesDir}$1/src/node.ts` },
  { find: /^@overfit\/([a-z-]+)$/, replacement: `${packagesDir}$1/src/index.ts` },
];

/**
 * Every package runs its specs twice: on the cpu backend and on wasm (backend-sensitive code
 * must agree on both). A spec that cannot run on wasm says so with `describe.skipIf(onWasm)`.
 */
export function overfitVitest(options: { testTimeout?: number } = {}) {
  return defineConfig({
    resolve: { alias: sourceAliases },
    test: {
      setupFiles: [setup],
      testTimeout: options.testTimeout ?? 60_000,
      hookTimeout: 120_000,
      pool: 'forks',
      fileParallelism: false,
      projects: [
        {
          extends: true,
          test: {
            name: 'cpu',
            include: ['src/**/*.test.ts'],
            exclude: ['src/**/*.browser.test.ts'],
            env: { OVERFIT_TEST_BACKEND: 'cpu' },
          },
        },
        {
          extends: true,
          test: {
            name: 'wasm',
            include: ['src/**/*.test.ts'],
            exclude: ['src/**/*.browser.test.ts', 'src/**/*.cpu.test.ts'],
            env: { OVERFIT_TEST_BACKEND: 'wasm' },
          },
        },
      ],
    },
  });
}
