import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'tsup';

const packagesDir = fileURLToPath(new URL('./packages/', import.meta.url));

/**
 * Bundles each `bench/<name>.ts` with every @overfit package taken from source (a bench never
 * measures a stale dist); tfjs stays external so the bench picks its backend.
 */
export function overfitBench(...names: string[]) {
  return defineConfig({
    entry: Object.fromEntries(names.map((name) => [name, `bench/${name}.ts`])),
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
        '@overfit/data/node': `${packagesDir}data/src/node.ts`,
        ...Object.fromEntries(
          readdirSync(packagesDir).map((pkg) => [
            `@overfit/${pkg}`,
            `${packagesDir}${pkg}/src/index.ts`,
          ]),
        ),
      };
    },
  });
}
