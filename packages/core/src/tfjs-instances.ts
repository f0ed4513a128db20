import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** One loaded copy of `@tensorflow/tfjs-core` or `@tensorflow/tfjs-layers`. */
export interface TfjsInstance {
  package: '@tensorflow/tfjs-core' | '@tensorflow/tfjs-layers';
  /** Its version, or `'unknown'` where it cannot be read (a copy seen only through globals). */
  version: string;
  /** Its package folder, where known (Node). */
  location: string | undefined;
  /** Whether it is the copy @overfit packages import. */
  ours: boolean;
}

interface CachedModule {
  exports?: Record<string, unknown>;
}

const PACKAGE_ROOT = /^(.*[\\/]@tensorflow[\\/]tfjs-(core|layers))[\\/]/;

/** Node's CommonJS module cache (what `@tensorflow/tfjs` loads in Node), or none elsewhere. */
function commonJsCache(): Record<string, CachedModule> {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const moduleBuiltin = proc?.getBuiltinModule?.('module') as
    | { _cache?: Record<string, CachedModule> }
    | undefined;
  return moduleBuiltin?._cache ?? {};
}

/**
 * The copies of tfjs-core and tfjs-layers loaded in this process: the ones @overfit packages
 * import, any other found in Node's module cache, and a tfjs-core copy that was loaded first
 * (it owns the global Tensor class) even where no module cache can be read (bundles, browsers).
 */
export function findTfjsInstances(): TfjsInstance[] {
  const found = new Map<string, TfjsInstance>();
  for (const [file, mod] of Object.entries(commonJsCache())) {
    const match = PACKAGE_ROOT.exec(file);
    const exports = mod.exports;
    if (!match || !exports) continue;
    const [, location, kind] = match as unknown as [string, string, 'core' | 'layers'];
    const version = exports[kind === 'core' ? 'version_core' : 'version_layers'];
    if (typeof version !== 'string') continue;
    const ours =
      kind === 'core' ? exports.Tensor === tf.Tensor : exports.LayersModel === tfl.LayersModel;
    found.set(location, { package: `@tensorflow/tfjs-${kind}`, version, location, ours });
  }
  const list = [...found.values()];
  for (const [kind, version] of [
    ['core', tf.version_core],
    ['layers', tfl.version_layers],
  ] as const) {
    if (!list.some((i) => i.ours && i.package === `@tensorflow/tfjs-${kind}`)) {
      list.push({ package: `@tensorflow/tfjs-${kind}`, version, location: undefined, ours: true });
    }
  }
  const globalTensor = (globalThis as { _tfGlobals?: Map<string, unknown> })._tfGlobals?.get(
    'Tensor',
  );
  const foreignCoreKnown = list.some((i) => !i.ours && i.package === '@tensorflow/tfjs-core');
  if (globalTensor !== undefined && globalTensor !== tf.Tensor && !foreignCoreKnown) {
    list.push({
      package: '@tensorflow/tfjs-core',
      version: 'unknown',
      location: undefined,
      ours: false,
    });
  }
  return list;
}

function describe(instance: TfjsInstance): string {
  const where = instance.location ? ` at ${instance.location}` : '';
  const whose = instance.ours ? ' (the one @overfit packages use)' : '';
  return `${instance.version}${where}${whose}`;
}

/**
 * A message naming every version when more than one copy of tfjs-core or tfjs-layers is
 * loaded, or when tfjs-layers and tfjs-core differ in version; `undefined` when all is well.
 */
export function describeTfjsInstances(instances: readonly TfjsInstance[]): string | undefined {
  const problems: string[] = [];
  for (const pkg of ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers'] as const) {
    const copies = instances.filter((i) => i.package === pkg);
    if (copies.length > 1) {
      problems.push(
        `${copies.length} copies of ${pkg} are loaded: ${copies.map(describe).join('; ')}`,
      );
    }
  }
  const core = instances.find((i) => i.ours && i.package === '@tensorflow/tfjs-core');
  const layers = instances.find((i) => i.ours && i.package === '@tensorflow/tfjs-layers');
  if (core && layers && core.version !== layers.version) {
    problems.push(
      `@tensorflow/tfjs-layers ${layers.version} runs on @tensorflow/tfjs-core ${core.version}`,
    );
  }
  if (problems.length === 0) return undefined;
  const wanted = core?.version ?? tf.version_core;
  return (
    `@overfit: ${problems.join('. ')}. Tensors, layers and registered classes do not cross between ` +
    'copies, so training and model loading fail in odd ways ("Unknown layer", "Platform ... has ' +
    `already been set", "reading 'dispose'"). Fix: use one tfjs version everywhere, e.g. ` +
    `npm install @tensorflow/tfjs@${wanted} (every @tensorflow/* package on the same version), then ` +
    '`npm dedupe`; `npm ls @tensorflow/tfjs-core @tensorflow/tfjs-layers` must show a single version.'
  );
}

const WARNED = Symbol.for('@overfit/core.tfjs-instances-warned');

/**
 * Warns (once per process, however many @overfit packages run this) when more than one copy of
 * tfjs-core or tfjs-layers is loaded. Returns the message, or `undefined` when there is one copy.
 * Runs when @overfit/core is imported, and again right after the importing module graph has
 * finished loading (so a tfjs imported after us is seen too); call it yourself after lazy imports.
 */
export function checkTfjsInstances(
  warn: (message: string) => void = (message) => console.warn(message),
): string | undefined {
  const message = describeTfjsInstances(findTfjsInstances());
  const state = globalThis as { [WARNED]?: boolean };
  if (message !== undefined && !state[WARNED]) {
    state[WARNED] = true;
    warn(message);
  }
  return message;
}

// At import, and once more when the current module graph has loaded: a second tfjs is then
// named before the user's first training step fails in a way that does not point at it.
checkTfjsInstances();
const recheck = setTimeout(() => checkTfjsInstances(), 0) as { unref?: () => void };
recheck.unref?.();
