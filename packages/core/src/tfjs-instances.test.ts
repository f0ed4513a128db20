import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { checkTfjsInstances, describeTfjsInstances, findTfjsInstances } from './tfjs-instances.js';

const require = createRequire(import.meta.url);
const WARNED = Symbol.for('@overfit/core.tfjs-instances-warned');
const scratch = mkdtempSync(join(tmpdir(), 'overfit-tfjs-copy-'));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * A second, real tfjs-core instance on disk: the published Node build with its version string
 * changed, as npm leaves one nested under node_modules/@tensorflow/tfjs when versions differ.
 */
function loadSecondTfjsCore(version: string): string {
  const realMain = require.resolve('@tensorflow/tfjs-core');
  const root = join(scratch, 'node_modules', '@tensorflow', 'tfjs-core');
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(
    join(root, 'package.json'),
    JSON.stringify({ name: '@tensorflow/tfjs-core', version, main: 'dist/tf-core.node.js' }),
  );
  const source = readFileSync(realMain, 'utf8').replace(
    `var version = '${tf.version_core}';`,
    `var version = '${version}';`,
  );
  expect(source).toContain(`var version = '${version}';`);
  writeFileSync(join(root, 'dist', 'tf-core.node.js'), source);
  const realRequire = createRequire(realMain);
  for (const dep of ['seedrandom', 'node-fetch']) {
    const depRoot = dirname(realRequire.resolve(`${dep}/package.json`));
    symlinkSync(depRoot, join(scratch, 'node_modules', dep), 'dir');
  }
  require(join(root, 'dist', 'tf-core.node.js'));
  return root;
}

describe('findTfjsInstances / checkTfjsInstances', () => {
  it('sees one tfjs-core and one tfjs-layers, ours, and stays quiet', () => {
    const instances = findTfjsInstances();
    const core = instances.filter((i) => i.package === '@tensorflow/tfjs-core');
    const layers = instances.filter((i) => i.package === '@tensorflow/tfjs-layers');
    expect(core).toEqual([expect.objectContaining({ version: tf.version_core, ours: true })]);
    expect(layers).toEqual([expect.objectContaining({ ours: true })]);
    expect(describeTfjsInstances(instances)).toBeUndefined();
    const warn = vi.fn();
    expect(checkTfjsInstances(warn)).toBeUndefined();
    expect(warn).not.toHaveBeenCalled();
  });

  it('names a tfjs-layers / tfjs-core version mismatch', () => {
    const message = describeTfjsInstances([
      { package: '@tensorflow/tfjs-core', version: '4.22.0', location: undefined, ours: true },
      { package: '@tensorflow/tfjs-layers', version: '4.21.0', location: undefined, ours: true },
    ]);
    expect(message).toContain(
      '@tensorflow/tfjs-layers 4.21.0 runs on @tensorflow/tfjs-core 4.22.0',
    );
    expect(message).toContain('npm install @tensorflow/tfjs@4.22.0');
  });

  it('warns once, naming both versions and the fix, when a second tfjs-core is loaded', () => {
    const location = loadSecondTfjsCore('4.21.0');
    const core = findTfjsInstances().filter((i) => i.package === '@tensorflow/tfjs-core');
    expect(core.map((i) => [i.version, i.ours]).sort()).toEqual([
      ['4.21.0', false],
      [tf.version_core, true],
    ]);
    expect(core.find((i) => !i.ours)?.location).toBe(location);

    delete (globalThis as { [WARNED]?: boolean })[WARNED];
    const warn = vi.fn();
    const message = checkTfjsInstances(warn);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(message).toContain('2 copies of @tensorflow/tfjs-core are loaded');
    expect(message).toContain(`4.21.0 at ${location}`);
    expect(message).toContain(`${tf.version_core} at `);
    expect(message).toContain('npm dedupe');
    checkTfjsInstances(warn);
    expect(warn).toHaveBeenCalledTimes(1);
  });
});
