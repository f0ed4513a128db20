import { defineConfig, type Options } from 'tsup';

/** Build settings every @overfit package shares: ESM + CJS + types, peers left external. */
export function overfitTsup(
  entry: Record<string, string> = { index: 'src/index.ts' },
  extra: Options = {},
) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    treeshake: true,
    external: [/^@tensorflow\//, /^@overfit\//],
    tsconfig: 'tsconfig.build.json',
    ...extra,
  });
}
