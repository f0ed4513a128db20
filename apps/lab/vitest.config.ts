import { defineConfig } from 'vitest/config';

// The lab's spec builds the app and drives it in Debian's Chromium: a Node-side test, no tfjs setup.
export default defineConfig({
  test: { include: ['src/**/*.e2e.test.ts'], testTimeout: 240_000, hookTimeout: 240_000, pool: 'forks' },
});
