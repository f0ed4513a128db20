import { cpSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { exec } from './exec.mjs';

const CONSUMER_FILES = join(dirname(fileURLToPath(import.meta.url)), '..', 'consumer');

/** What a bundler would do if our packages said `"sideEffects": false`: the control case. */
const pretendNoSideEffects = {
  name: 'pretend-no-side-effects',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@overfit\// }, async (args) => {
      if (args.pluginData === 'resolving') return undefined;
      const resolved = await pluginBuild.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: 'resolving',
      });
      return { ...resolved, sideEffects: false };
    });
  },
};

async function bundle(dir, outfile, plugins) {
  const result = await build({
    absWorkingDir: dir,
    entryPoints: ['load-model-app.mjs'],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // tfjs stays a runtime import: the app and our packages must share its one instance.
    external: ['@tensorflow/*'],
    logLevel: 'silent',
    plugins,
  });
  return result.warnings;
}

/**
 * In the @overfit/regularizers consumer: save a model with our layers/regularizer/constraint,
 * bundle an app that only imports our packages for registration, and load the model from the
 * bundle. The control bundle, built as if sideEffects were false, must fail to load it, so the
 * check can tell a kept registration from a dropped one.
 */
export async function checkBundledRegistration(dir) {
  for (const file of ['save-model.mjs', 'load-model-app.mjs'])
    cpSync(join(CONSUMER_FILES, file), join(dir, file));
  await exec(process.execPath, ['save-model.mjs'], { cwd: dir });
  const warnings = await bundle(dir, 'app.bundle.mjs', []);
  if (warnings.length > 0) {
    throw new Error(`esbuild warned:\n${warnings.map((w) => w.text).join('\n')}`);
  }
  await exec(process.execPath, ['app.bundle.mjs'], { cwd: dir });
  const controlWarnings = await bundle(dir, 'control.bundle.mjs', [pretendNoSideEffects]);
  const control = await exec(process.execPath, ['control.bundle.mjs'], {
    cwd: dir,
    expectFailure: true,
  });
  if (!/Unknown (layer|regularizer|constraint)/.test(control)) {
    throw new Error(`the control bundle failed for another reason:\n${control}`);
  }
  return { controlWarnings: controlWarnings.length };
}
