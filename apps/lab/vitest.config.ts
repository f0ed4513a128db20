import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const packagesDir = fileURLToPath(new URL('../../packages/', import.meta.url));

// Three kinds of spec, all in Node: pure rendering/reader tests, build.test.ts (the config's
// models and regularizers trained one epoch on tfjs' cpu backend), and the e2e spec
// (src/**/*.e2e.test.ts), which builds the app and drives it in Debian's Chromium.
// Sibling packages come from source, so a spec never runs against a stale build.
export default defineConfig({
  resolve: {
    alias: [{ find: /^@overfit\/([a-z-]+)$/, replacement: `${packagesDir}$1/src/index.ts` }],
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 240_000,
    hookTimeout: 240_000,
    pool: 'forks',
  },
});
