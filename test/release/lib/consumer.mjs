import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exec } from './exec.mjs';

const CONSUMER_FILES = join(dirname(fileURLToPath(import.meta.url)), '..', 'consumer');

/**
 * npm settings of a consumer: @overfit/* from the local registry, everything else from the
 * npm registry; one npm cache shared by all consumers.
 */
export function consumerNpmrc(registry) {
  return [
    `@overfit:registry=${registry.url}`,
    'audit=false',
    'fund=false',
    'update-notifier=false',
    '',
  ].join('\n');
}

/** A project with only @tensorflow/tfjs installed, copied (hard links) into each consumer. */
export async function makeBaseProject(dir, registry, tfjsVersion, env) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'overfit-consumer', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`,
  );
  writeFileSync(join(dir, '.npmrc'), consumerNpmrc(registry));
  await exec(
    'npm',
    ['install', '--prefer-offline', '--no-audit', `@tensorflow/tfjs@${tfjsVersion}`],
    { cwd: dir, env },
  );
}

export async function makeConsumer(baseDir, dir, spec, env) {
  mkdirSync(dir, { recursive: true });
  for (const file of ['package.json', 'package-lock.json', '.npmrc'])
    cpSync(join(baseDir, file), join(dir, file));
  // Hard links: the tfjs tree is shared, not copied; npm replaces files rather than editing them.
  await exec('cp', ['-al', join(baseDir, 'node_modules'), join(dir, 'node_modules')], {});
  for (const file of ['check-lib.cjs', 'check-esm.mjs', 'check-cjs.cjs', 'targeted.cjs']) {
    cpSync(join(CONSUMER_FILES, file), join(dir, file));
  }
  await exec('npm', ['install', '--prefer-offline', '--no-audit', spec], { cwd: dir, env });
}

export async function runEntryChecks(dir, name) {
  await exec(process.execPath, ['check-esm.mjs', name], { cwd: dir });
  await exec(process.execPath, ['check-cjs.cjs', name], { cwd: dir });
}

function specsOf(dir, name) {
  const manifest = JSON.parse(
    readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8'),
  );
  return Object.keys(manifest.exports)
    .filter((subpath) => subpath !== './package.json')
    .map((subpath) => (subpath === '.' ? name : `${name}/${subpath.slice(2)}`));
}

const STRICT = {
  strict: true,
  noEmit: true,
  target: 'ES2022',
  lib: ['ES2022', 'DOM'],
  types: [],
  // tfjs's own .d.ts files fail strict checks (missing `Long`, index signatures), so library
  // files are skipped as most strict projects do; our .d.ts are still what every import resolves.
  skipLibCheck: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
};

/**
 * `tsc --noEmit` (strict) on code that imports every entry: ESM and
 * CommonJS under node16 resolution, ESM under bundler resolution. Typed usage of the packages
 * this test knows comes from consumer/types/<short>.ts.
 */
export async function runTypeChecks(dir, pkg, tsc) {
  const specs = specsOf(dir, pkg.name);
  const esm = specs.map((spec, i) => `import * as entry${i} from '${spec}';`);
  esm.push(
    `export const names: string[][] = [${specs.map((_, i) => `Object.keys(entry${i})`).join(', ')}];`,
  );
  const cjs = specs.map((spec, i) => `import entry${i} = require('${spec}');`);
  cjs.push(
    `export const names: string[][] = [${specs.map((_, i) => `Object.keys(entry${i})`).join(', ')}];`,
  );
  writeFileSync(join(dir, 'types-esm.ts'), `${esm.join('\n')}\n`);
  writeFileSync(join(dir, 'types-cjs.cts'), `${cjs.join('\n')}\n`);
  const files = ['types-esm.ts'];
  try {
    cpSync(join(CONSUMER_FILES, 'types', `${pkg.short}.ts`), join(dir, 'types-usage.ts'));
    files.push('types-usage.ts');
  } catch {
    // no typed usage for a package this test does not know
  }
  const node16 = {
    compilerOptions: { ...STRICT, module: 'Node16', moduleResolution: 'Node16' },
    files: [...files, 'types-cjs.cts'],
  };
  const bundler = {
    compilerOptions: { ...STRICT, module: 'ESNext', moduleResolution: 'Bundler' },
    files,
  };
  writeFileSync(join(dir, 'tsconfig.node16.json'), JSON.stringify(node16, null, 2));
  writeFileSync(join(dir, 'tsconfig.bundler.json'), JSON.stringify(bundler, null, 2));
  await exec(tsc, ['-p', 'tsconfig.node16.json'], { cwd: dir });
  await exec(tsc, ['-p', 'tsconfig.bundler.json'], { cwd: dir });
}

/** The reported failure: an app's tfjs outside our peer range gets a second tfjs-core. */
export async function checkDuplicateTfjsWarning(dir, registry, coreSpec, otherTfjs, env) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'dup', version: '1.0.0', private: true, type: 'module' }),
  );
  writeFileSync(join(dir, '.npmrc'), consumerNpmrc(registry));
  for (const file of [
    'duplicate-tfjs.mjs',
    'import-tfjs-then-core.mjs',
    'import-core-then-tfjs.mjs',
  ]) {
    cpSync(join(CONSUMER_FILES, file), join(dir, file));
  }
  await exec(
    'npm',
    ['install', '--prefer-offline', '--no-audit', `@tensorflow/tfjs@${otherTfjs}`, coreSpec],
    { cwd: dir, env },
  );
  await exec(process.execPath, ['duplicate-tfjs.mjs', 'tfjs-first'], { cwd: dir });
  await exec(process.execPath, ['duplicate-tfjs.mjs', 'core-first'], { cwd: dir });
}
