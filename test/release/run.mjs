// pnpm test:release — publish every public package to a throw-away local registry and use the
// packages as an outside user would. See RELEASING.md for what it checks and why.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkBundledRegistration } from './lib/bundle.mjs';
import {
  checkDuplicateTfjsWarning,
  consumerNpmrc,
  makeBaseProject,
  makeConsumer,
  runEntryChecks,
  runTypeChecks,
} from './lib/consumer.mjs';
import { exec, inParallel, step, stopRunningCommands } from './lib/exec.mjs';
import { startRegistry } from './lib/registry.mjs';
import { checkShippedFiles, lintTarball, packFromRegistry } from './lib/tarball.mjs';
import {
  changesetPublish,
  changesetVersion,
  copyWorkspace,
  discoverPublicPackages,
  readJson,
  versionsOf,
  writePublishConfig,
} from './lib/workspace.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = (name) => join(repo, 'node_modules', '.bin', name);
const keep = process.env.OVERFIT_RELEASE_KEEP === '1';

const root = mkdtempSync(join(tmpdir(), 'overfit-release-'));
let registry;
let cleanedUp = false;
async function cleanUp() {
  if (cleanedUp) return;
  cleanedUp = true;
  stopRunningCommands();
  await registry?.stop();
  if (keep) console.log(`kept ${root}`);
  else rmSync(root, { recursive: true, force: true });
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    cleanUp().finally(() => process.exit(130));
  });
}

async function main() {
  const started = performance.now();
  const packages = discoverPublicPackages(repo);
  console.log(`public packages: ${packages.map((pkg) => pkg.name).join(', ')}`);
  const tfjsVersion = readJson(join(repo, 'package.json')).devDependencies['@tensorflow/tfjs'];
  const npmCache =
    process.env.OVERFIT_RELEASE_NPM_CACHE ??
    join(repo, 'node_modules', '.cache', 'release-test-npm');
  mkdirSync(npmCache, { recursive: true });

  await step('build', () =>
    exec(
      bin('turbo'),
      [
        'run',
        'build',
        '--output-logs=errors-only',
        ...packages.map((pkg) => `--filter=${pkg.name}`),
      ],
      {
        cwd: repo,
      },
    ),
  );
  mkdirSync(join(root, 'registry'));
  registry = await step('start verdaccio', () => startRegistry(join(root, 'registry')));
  console.log(`  registry ${registry.url} (pid ${registry.pid})`);

  const workspace = join(root, 'workspace');
  const publishNpmrc = join(root, 'publish.npmrc');
  writePublishConfig(publishNpmrc, registry);
  const publishEnv = {
    npm_config_userconfig: publishNpmrc,
    npm_config_registry: registry.url,
    npm_config_cache: npmCache,
  };
  const consumerEnv = {
    npm_config_userconfig: join(root, 'consumer.npmrc'),
    npm_config_cache: npmCache,
  };
  writeFileSync(consumerEnv.npm_config_userconfig, consumerNpmrc(registry));

  copyWorkspace(repo, workspace, packages);
  await step('changeset version', () => changesetVersion(workspace, publishEnv));
  const versions = versionsOf(workspace, packages);
  console.log(
    `  ${Object.entries(versions)
      .map(([name, version]) => `${name}@${version}`)
      .join(' ')}`,
  );
  await step('changeset publish', () => changesetPublish(workspace, publishEnv));

  const tarballs = await step('npm pack from the registry', () =>
    packFromRegistry(
      join(root, 'tarballs'),
      packages.map((pkg) => `${pkg.name}@${versions[pkg.name]}`),
      consumerEnv,
    ),
  );
  // Linting is CPU, installing is mostly network: side by side, two at a time.
  const base = join(root, 'consumers', 'base');
  const consumerDir = (pkg) => join(root, 'consumers', pkg.short);
  const lintAll = inParallel(tarballs, 2, (tarball) =>
    step(`${tarball.name}: shipped files, publint --strict, attw`, () => {
      checkShippedFiles(tarball);
      return lintTarball(tarball, { publint: bin('publint'), attw: bin('attw') });
    }),
  );
  const consumeAll = step(`base consumer with @tensorflow/tfjs@${tfjsVersion}`, () =>
    makeBaseProject(base, registry, tfjsVersion, consumerEnv),
  ).then(() =>
    inParallel(packages, 2, (pkg) =>
      step(
        `${pkg.name}: npm install alone, ESM, CJS, sideEffects, tsc node16/bundler`,
        async () => {
          const dir = consumerDir(pkg);
          await makeConsumer(base, dir, `${pkg.name}@${versions[pkg.name]}`, consumerEnv);
          await runEntryChecks(dir, pkg.name);
          await runTypeChecks(dir, pkg, bin('tsc'));
        },
      ),
    ),
  );
  await Promise.all([lintAll, consumeAll]);

  const regularizers = packages.find((pkg) => pkg.name === '@overfit/regularizers');
  const core = packages.find((pkg) => pkg.name === '@overfit/core');
  await Promise.all([
    regularizers &&
      step('esbuild bundle keeps registrations; saved model loads', () =>
        checkBundledRegistration(consumerDir(regularizers)),
      ),
    core &&
      step('a second tfjs-core (app on @tensorflow/tfjs@4.21.0) is named at import', () =>
        checkDuplicateTfjsWarning(
          join(root, 'consumers', 'duplicate-tfjs'),
          registry,
          `${core.name}@${versions[core.name]}`,
          '4.21.0',
          consumerEnv,
        ),
      ),
  ]);

  await step('second release reaches a consumer through npm update', () =>
    secondRelease(workspace, packages, versions, publishEnv, consumerDir, consumerEnv),
  );
  console.log(`release test passed in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

/** A package no other public package depends on, so a patch bumps it alone. */
function leafPackage(workspace, packages) {
  const dependedOn = new Set();
  for (const pkg of packages) {
    const manifest = readJson(join(workspace, pkg.dir, 'package.json'));
    for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }))
      dependedOn.add(dep);
  }
  const leaf = packages.find((pkg) => !dependedOn.has(pkg.name));
  if (!leaf) throw new Error('every public package is a dependency of another; no leaf to bump');
  return leaf;
}

async function secondRelease(workspace, packages, versions, publishEnv, consumerDir, consumerEnv) {
  const leaf = leafPackage(workspace, packages);
  const marker = `Release test ${Date.now()}: the second release reaches consumers.`;
  writeFileSync(
    join(workspace, '.changeset', 'release-test-second.md'),
    `---\n"${leaf.name}": patch\n---\n\n${marker}\n`,
  );
  await changesetVersion(workspace, publishEnv);
  const bumped = versionsOf(workspace, packages);
  const changed = packages
    .filter((pkg) => bumped[pkg.name] !== versions[pkg.name])
    .map((pkg) => pkg.name);
  if (changed.length !== 1 || changed[0] !== leaf.name) {
    throw new Error(`a patch of ${leaf.name} changed the versions of ${changed.join(', ')}`);
  }
  const output = await changesetPublish(workspace, publishEnv);
  if (!output.includes(`${leaf.name}@${bumped[leaf.name]}`))
    throw new Error(`changeset publish did not publish ${leaf.name}:\n${output}`);
  const dir = consumerDir(leaf);
  await exec('npm', ['update', '--prefer-online', '--no-audit', leaf.name], {
    cwd: dir,
    env: consumerEnv,
  });
  const installed = join(dir, 'node_modules', leaf.name);
  const installedVersion = readJson(join(installed, 'package.json')).version;
  if (installedVersion !== bumped[leaf.name]) {
    throw new Error(
      `npm update left ${leaf.name}@${installedVersion}, expected ${bumped[leaf.name]}`,
    );
  }
  const changelog = readFileSync(join(installed, 'CHANGELOG.md'), 'utf8');
  const section = changelog
    .split(/^## /m)
    .find((part) => part.startsWith(`${bumped[leaf.name]}\n`));
  if (!section?.includes(marker)) {
    throw new Error(
      `${leaf.name}@${bumped[leaf.name]}'s CHANGELOG.md does not say what changed:\n${changelog.slice(0, 800)}`,
    );
  }
  console.log(`  ${leaf.name} ${versions[leaf.name]} -> ${installedVersion}`);
}

try {
  await main();
} catch (error) {
  process.exitCode = 1;
  console.error(error instanceof Error ? error.message : error);
  if (registry)
    console.error(`verdaccio log: ${readFileSync(registry.logFile, 'utf8').slice(-2000)}`);
} finally {
  await cleanUp();
}
