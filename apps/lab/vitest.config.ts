import { defineConfig } from 'vitest/config';

// Two kinds of spec, both in Node with no tfjs setup: pure rendering tests (src/**/*.test.ts) and
// the e2e spec (src/**/*.e2e.test.ts), which builds the app and drives it in Debian's Chromium.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 240_000,
    hookTimeout: 240_000,
    pool: 'forks',
  },
});
