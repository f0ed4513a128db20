import { fileURLToPath } from 'node:url';
import { defineConfig } from 'tsup';

const src = (pkg: string) => fileURLToPath(new URL(`../../${pkg}/src/index.ts`, import.meta.url));

/** Bundles the bench with the overfit packages from source (no stale dist); tfjs stays external. */
export default defineConfig({
  entry: { metrics: 'bench/metrics.ts' },
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
    options.alias = { '@overfit/core': src('core') };
  },
});
