import { defineConfig } from 'vitest/config';

// Pure data -> chart specs -> SVG: no tensors, so one Node project (no cpu/wasm pair).
export default defineConfig({
  test: { include: ['src/**/*.test.ts'], testTimeout: 60_000, pool: 'forks' },
});
