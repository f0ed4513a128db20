import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { exec } from './exec.mjs';

export function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

function workspacePackageDirs(repo) {
  const dirs = [];
  for (const group of ['packages', 'apps']) {
    const base = join(repo, group);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base).sort()) {
      if (existsSync(join(base, name, 'package.json'))) dirs.push(join(group, name));
    }
  }
  // pnpm-workspace.yaml also lists the top-level examples package (private, never published).
  if (existsSync(join(repo, 'examples', 'package.json'))) dirs.push('examples');
  return dirs;
}

/**
 * The packages a release publishes: every packages/* package not marked private. Found, not
 * listed, so a package added later is released and tested without touching this script.
 */
export function discoverPublicPackages(repo) {
  return workspacePackageDirs(repo)
    .filter((dir) => dir.startsWith('packages/'))
    .map((dir) => ({ dir, manifest: readJson(join(repo, dir, 'package.json')) }))
    .filter(({ manifest }) => manifest.private !== true)
    .map(({ dir, manifest }) => ({
      dir,
      name: manifest.name,
      short: manifest.name.replace(/^@overfit\//, ''),
    }));
}

const SHIPPED_EXTRAS = ['README.md', 'LICENSE', 'CHANGELOG.md'];

/**
 * A throw-away copy of the workspace that changesets can version and pnpm can publish: every
 * workspace manifest (private ones too, so changesets and `workspace:` ranges resolve), the
 * pending changesets, and for public packages what ships (dist and the extras).
 */
export function copyWorkspace(repo, target, publicPackages) {
  mkdirSync(target, { recursive: true });
  for (const file of ['package.json', 'pnpm-workspace.yaml'])
    cpSync(join(repo, file), join(target, file));
  cpSync(join(repo, '.changeset'), join(target, '.changeset'), { recursive: true });
  // changesets loads its changelog generator from node_modules next to .changeset.
  symlinkSync(join(repo, 'node_modules'), join(target, 'node_modules'), 'dir');
  const isPublic = new Set(publicPackages.map((pkg) => pkg.dir));
  for (const dir of workspacePackageDirs(repo)) {
    mkdirSync(join(target, dir), { recursive: true });
    cpSync(join(repo, dir, 'package.json'), join(target, dir, 'package.json'));
    if (!isPublic.has(dir)) continue;
    if (!existsSync(join(repo, dir, 'dist'))) throw new Error(`${dir} has no dist: build it first`);
    cpSync(join(repo, dir, 'dist'), join(target, dir, 'dist'), { recursive: true });
    for (const extra of SHIPPED_EXTRAS) {
      if (existsSync(join(repo, dir, extra)))
        cpSync(join(repo, dir, extra), join(target, dir, extra));
    }
  }
  linkInternalDependencies(target);
}

/**
 * pnpm publish turns `workspace:^` into a version by reading the installed dependency, so each
 * copied package gets node_modules links to its sibling workspace packages (what pnpm install
 * would make, without installing anything else).
 */
function linkInternalDependencies(target) {
  const dirs = workspacePackageDirs(target);
  const byName = new Map(
    dirs.map((dir) => [readJson(join(target, dir, 'package.json')).name, dir]),
  );
  for (const dir of dirs) {
    const manifest = readJson(join(target, dir, 'package.json'));
    const deps = {
      ...manifest.dependencies,
      ...manifest.devDependencies,
      ...manifest.peerDependencies,
    };
    for (const [dep, range] of Object.entries(deps)) {
      if (!String(range).startsWith('workspace:') || !byName.has(dep)) continue;
      const link = join(target, dir, 'node_modules', dep);
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(join(target, byName.get(dep)), link, 'dir');
    }
  }
}

/** npm/pnpm settings for publishing to the local registry only. */
export function writePublishConfig(file, registry) {
  const host = registry.url.replace(/^http:/, '');
  writeFileSync(
    file,
    [
      `registry=${registry.url}`,
      `${host}:_authToken=${registry.token}`,
      'audit=false',
      'fund=false',
      '',
    ].join('\n'),
  );
}

export async function changesetVersion(workspace, env) {
  const changeset = join(workspace, 'node_modules', '.bin', 'changeset');
  return exec(changeset, ['version'], { cwd: workspace, env });
}

export async function changesetPublish(workspace, env) {
  const changeset = join(workspace, 'node_modules', '.bin', 'changeset');
  const output = await exec(changeset, ['publish', '--no-git-tag'], { cwd: workspace, env });
  if (/failed to publish|packages failed/i.test(output))
    throw new Error(`changeset publish reported failures:\n${output}`);
  return output;
}

export function versionsOf(workspace, publicPackages) {
  return Object.fromEntries(
    publicPackages.map((pkg) => [
      pkg.name,
      readJson(join(workspace, pkg.dir, 'package.json')).version,
    ]),
  );
}
