import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type BackendChoice, selectBackend } from '@overfit/core';
import { backendCandidate, chooseBackend, installFastKernels } from './backend.js';
import { findDatasets } from './run/data.js';
import { describeAdapter, findVulkanDrivers, webGpuAdapter } from './webgpu.js';

/** Chromium's own Vulkan driver (SwiftShader), usable by Dawn through `VK_ICD_FILENAMES`. */
const CHROMIUM_SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * `overfit doctor`: each backend in `auto`'s order, whether it loads here and why not; the
 * Vulkan drivers found and what Dawn reports; the kernels installed; the data sets found. Returns the exit code
 * (0: something usable; cpu always is).
 */
export async function doctor(out: (line: string) => void): Promise<number> {
  out(`overfit doctor: node ${process.version} on ${process.platform} ${process.arch}`);
  out('backends (auto tries them in this order):');
  const usable: string[] = [];
  for (const name of ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const) {
    const attempt = (await tryAlone(name)).attempts[0]!;
    if (attempt.ok) usable.push(name);
    const note = name === 'webgpu' && attempt.ok ? webGpuNote() : '';
    out(`  ${name}: ${attempt.ok ? 'ok' : `not usable: ${attempt.reason}`}${note}`);
  }
  const auto = await chooseBackend('auto');
  out(`auto picks: ${auto.name}`);
  out('Vulkan drivers (ICD manifests the Vulkan loader reads):');
  const drivers = findVulkanDrivers();
  if (drivers.length === 0) out('  none found');
  for (const file of drivers) out(`  ${file}: ${driverLibrary(file)}`);
  if (!drivers.includes(CHROMIUM_SWIFTSHADER) && existsSync(CHROMIUM_SWIFTSHADER))
    out(`  not in use: ${CHROMIUM_SWIFTSHADER} (VK_ICD_FILENAMES=${CHROMIUM_SWIFTSHADER} uses it)`);
  for (const line of dawnReport()) out(line);
  for (const name of usable) out(installFastKernels(name));
  for (const line of describeDatasets()) out(line);
  return 0;
}

/** One backend on its own (cpu after it, so the attempt is recorded rather than thrown). */
function tryAlone(name: 'tensorflow' | 'webgpu' | 'wasm' | 'cpu'): Promise<BackendChoice> {
  return selectBackend(name === 'cpu' ? ['cpu'] : [backendCandidate(name), 'cpu']);
}

function webGpuNote(): string {
  const adapter = webGpuAdapter();
  if (adapter === undefined) return '';
  const auto = adapter.software ? 'auto skips it (slower than wasm)' : 'auto uses it';
  return ` on ${describeAdapter(adapter)}; ${auto}`;
}

function driverLibrary(manifest: string): string {
  try {
    const library = JSON.parse(readFileSync(manifest, 'utf8'))?.ICD?.library_path;
    return typeof library === 'string' ? library : 'no ICD.library_path';
  } catch (error) {
    return `unreadable (${error instanceof Error ? error.message : String(error)})`;
  }
}

/**
 * What Dawn prints while it looks for an adapter. Dawn writes its warnings (a missing
 * libvulkan.so.1, a driver it rejects) straight to stderr from native code, so the probe runs
 * in a child process whose stderr can be read.
 */
function dawnReport(): string[] {
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve('webgpu');
  } catch {
    return ['Dawn: package webgpu not installed'];
  }
  const version = readPackageVersion(join(dirname(entry), 'package.json'));
  const probe = `
    const { create } = await import(${JSON.stringify(entry)});
    const adapter = await create([]).requestAdapter({ powerPreference: 'high-performance' });
    const i = adapter?.info;
    console.log(JSON.stringify(i ? [i.vendor, i.architecture, i.description, i.isFallbackAdapter] : null));
    process.exit(0);`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', probe], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  const lines = [`Dawn (package webgpu ${version}):`];
  const said = child.stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('at '));
  if (child.status !== 0) lines.push(`  probe failed (exit ${child.status ?? child.signal})`);
  else {
    const info = JSON.parse(child.stdout.trim().split('\n').at(-1) ?? 'null');
    lines.push(
      info === null
        ? '  no adapter'
        : `  adapter: ${info[0]} ${info[1]} (${info[2]})${info[3] ? ', a fallback (software) adapter' : ''}`,
    );
  }
  for (const line of said) lines.push(`  says: ${line}`);
  return lines;
}

function readPackageVersion(file: string): string {
  try {
    return JSON.parse(readFileSync(file, 'utf8')).version ?? '?';
  } catch {
    return '?';
  }
}

/** `data sets (--dataset):` then one line each: where it is, or how to get it. */
export function describeDatasets(): string[] {
  return [
    'data sets (--dataset):',
    ...findDatasets().map(
      (d) => `  ${d.name}: ${d.found ? `found in ${d.where}` : `not found: ${d.where}`}`,
    ),
  ];
}
