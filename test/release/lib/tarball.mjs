import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { exec } from './exec.mjs';

const ALLOWED = [/^package\.json$/, /^README\.md$/, /^LICENSE$/, /^CHANGELOG\.md$/, /^dist\//];
const REQUIRED = ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'];

/** Downloads the published tarballs (what a user gets), one per package. */
export async function packFromRegistry(dir, specs, env) {
  mkdirSync(dir, { recursive: true });
  const output = await exec('npm', ['pack', '--json', ...specs], { cwd: dir, env });
  const packed = JSON.parse(output.slice(output.indexOf('[')));
  return packed.map((entry) => ({
    name: entry.name,
    file: join(dir, entry.filename),
    files: entry.files.map((f) => f.path),
  }));
}

/** Only dist, README, LICENSE and CHANGELOG ship, and all of the last three do. */
export function checkShippedFiles(tarball) {
  const stray = tarball.files.filter((path) => !ALLOWED.some((pattern) => pattern.test(path)));
  const missing = REQUIRED.filter((path) => !tarball.files.includes(path));
  const problems = [];
  if (stray.length > 0)
    problems.push(`ships files outside dist/README/LICENSE/CHANGELOG: ${stray.join(', ')}`);
  if (missing.length > 0) problems.push(`lacks ${missing.join(', ')}`);
  if (!tarball.files.some((path) => path.startsWith('dist/'))) problems.push('ships no dist/');
  if (problems.length > 0) throw new Error(`${tarball.name}: ${problems.join('; ')}`);
}

export async function lintTarball(tarball, bin) {
  const publint = await exec(bin.publint, ['run', tarball.file, '--strict'], {});
  // publint --strict exits non-zero on warnings; suggestions are printed but allowed to pass,
  // so fail on them too: a clean package prints none.
  if (/Suggestions?:|Warnings?:|Errors?:/.test(publint)) {
    throw new Error(`publint is not clean for ${tarball.name}:\n${publint}`);
  }
  await exec(
    bin.attw,
    [tarball.file, '--profile', 'strict', '--no-definitely-typed', '--format', 'ascii'],
    {},
  );
}
