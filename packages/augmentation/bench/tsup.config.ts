import { fileURLToPath } from 'node:url';
import { defineConfig } from 'tsup';

const src = (pkg: string, file = 'index.ts') =>
  fileURLToPath(new URL(`../../${pkg}/src/${file}`, import.meta.url));

/** Bundles the bench with the overfit packages from source (no stale dist); tfjs stays external. */
export default defineConfig({
  entry: { augmentation: 'bench/augmentation.ts' },
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
