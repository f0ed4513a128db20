import { fileURLToPath } from 'node:url';
import { defineConfig } from 'tsup';

const src = (pkg: string, file = 'index.ts') =>
  fileURLToPath(new URL(`../../${pkg}/src/${file}`, import.meta.url));

/** Bundles the bench with the overfit packages from source (no stale dist); tfjs stays external. */
export default defineConfig({
  entry: { training: 'bench/training.ts' },
  format: ['esm'],
  outDir: 'dist-bench',
  platform: 'node',
  target: 'node20',
  dts: false,
  clean: true,
  silent: true,
  external: [/^@tensorflow\//],
  noExternal: [/^@overfit\//],
  esbuildOptions(options) {
    options.alias = {
      '@overfit/core/node': src('core', 'node.ts'),
      '@overfit/core': src('core'),
      '@overfit/metrics': src('metrics'),
    };
  },
});
