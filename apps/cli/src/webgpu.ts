import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

/** The adapter Dawn hands tfjs-backend-webgpu, as `GPUAdapter.info` describes it. */
export interface WebGpuAdapter {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A CPU implementation of Vulkan (lavapipe, SwiftShader): correct, but slower than wasm. */
  software: boolean;
}

// The few members of Dawn's WebGPU objects used here (the `webgpu` package is optional, so its
// types cannot be required to compile).
interface DawnAdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
interface DawnGpu {
  requestAdapter(options?: { powerPreference?: string }): Promise<{ info: DawnAdapterInfo } | null>;
}
interface DawnModule {
  create(options: string[]): DawnGpu;
  /** GPUBufferUsage, GPUMapMode, ...: the constants tfjs-backend-webgpu reads as globals. */
  globals: Record<string, unknown>;
}

// A variable, so neither tsc nor the bundler needs the optional package to be present.
const DAWN_PACKAGE = 'webgpu';
const SOFTWARE = /llvmpipe|lavapipe|swiftshader|software/i;

let loaded: WebGpuAdapter | undefined;

/** Dawn's `webgpu` package, or an Error saying why it cannot be had. */
export async function importDawn(specifier = DAWN_PACKAGE): Promise<DawnModule> {
  try {
    return (await import(specifier)) as DawnModule;
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    if (/Cannot find (module|package) 'webgpu'/.test(text))
      throw new Error('package webgpu (Dawn) not installed');
    throw new Error(`package webgpu (Dawn) does not load: ${text.split('\n')[0]!.slice(0, 160)}`);
  }
}

/** What Dawn says about its adapter, or null when it finds none. */
export async function requestAdapter(gpu: DawnGpu): Promise<WebGpuAdapter | null> {
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) return null;
  const info = adapter.info;
  const described = {
    vendor: info.vendor || 'unknown vendor',
    architecture: info.architecture || 'unknown architecture',
    device: info.device ?? '',
    description: info.description ?? '',
  };
  const software =
    info.isFallbackAdapter === true ||
    SOFTWARE.test(`${described.architecture} ${described.device} ${described.description}`);
  return { ...described, software };
}

/** `mesa software (llvmpipe: Mesa 25.0.7 (LLVM 15.0.6), software)`: one line for the log. */
export function describeAdapter(adapter: WebGpuAdapter): string {
  const driver = adapter.description || adapter.device || 'no description';
  return `${adapter.vendor} ${adapter.architecture} (${driver}${adapter.software ? ', software: runs on the CPU' : ''})`;
}

/**
 * Registers tfjs' webgpu backend on Dawn (the `webgpu` package) and returns its adapter. A
 * software adapter is refused unless `allowSoftware`: `auto` prefers wasm over it. Throws a
 * plain Error (one line) saying why WebGPU cannot be had. `specifier` maps the two package
 * names to what `import()` gets (code bundled elsewhere, like the training bench, resolves
 * them from apps/cli, whose dependencies they are).
 */
export async function loadWebGpu(options: {
  allowSoftware: boolean;
  specifier?: (pkg: string) => string;
}): Promise<WebGpuAdapter> {
  const specifier = options.specifier ?? ((pkg: string) => pkg);
  if (loaded === undefined) {
    if (process.platform === 'linux' && !options.allowSoftware && findVulkanDrivers().length === 0)
      throw new Error('no Vulkan driver installed (no ICD manifest found; see overfit doctor)');
    const { create, globals } = await importDawn(specifier(DAWN_PACKAGE));
    const gpu = create([]);
    const adapter = await requestAdapter(gpu);
    if (adapter === null)
      throw new Error('Dawn found no adapter (no usable Vulkan driver; see overfit doctor)');
    if (adapter.software && !options.allowSoftware) throw softwareRefused(adapter);
    // tfjs-backend-webgpu registers itself only if navigator.gpu exists when it loads
    // (tfjs#7595); Node 21+ defines navigator as a getter, hence defineProperty.
    const navigator = (globalThis as { navigator?: object }).navigator;
    Object.defineProperty(globalThis, 'navigator', {
      value: { ...navigator, gpu },
      configurable: true,
      writable: true,
    });
    for (const [name, value] of Object.entries(globals))
      if (!(name in globalThis)) Object.assign(globalThis, { [name]: value });
    await import(specifier('@tensorflow/tfjs-backend-webgpu'));
    splitLargeAddN();
    loaded = adapter;
  }
  if (loaded.software && !options.allowSoftware) throw softwareRefused(loaded);
  return loaded;
}

interface WebGpuBackendLike {
  device: { limits: { maxStorageBuffersPerShaderStage: number } };
  disposeData(dataId: object): boolean;
}

/**
 * tfjs-backend-webgpu 4.22's AddN binds every input as a storage buffer at once, so past the
 * device's maxStorageBuffersPerShaderStage (8 by default) the pipeline is invalid and the sum
 * comes back as garbage; the Trainer's finiteness check adds one term per variable. Past the
 * limit, add chunks first, then their sums (what tfjs' own Concat does).
 */
function splitLargeAddN(): void {
  const original = tf.getKernel('AddN', 'webgpu');
  if (original === undefined) return;
  const addN = (args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo => {
    const inputs = args.inputs as unknown as tf.TensorInfo[];
    const backend = args.backend as unknown as WebGpuBackendLike;
    const most = backend.device.limits.maxStorageBuffersPerShaderStage - 1;
    if (inputs.length <= most) return original.kernelFunc(args) as tf.TensorInfo;
    const partials: tf.TensorInfo[] = [];
    for (let i = 0; i < inputs.length; i += most) {
      const chunk = inputs.slice(i, i + most) as unknown as tf.NamedTensorInfoMap;
      partials.push(original.kernelFunc({ ...args, inputs: chunk }) as tf.TensorInfo);
    }
    const sum = addN({ ...args, inputs: partials as unknown as tf.NamedTensorInfoMap });
    for (const partial of partials) backend.disposeData(partial.dataId);
    return sum;
  };
  tf.unregisterKernel('AddN', 'webgpu');
  tf.registerKernel({ ...original, kernelFunc: addN as tf.KernelFunc });
}

function softwareRefused(adapter: WebGpuAdapter): Error {
  return new Error(
    `software adapter ${describeAdapter(adapter)} is slower than wasm; --backend webgpu uses it`,
  );
}

/** The adapter of {@link loadWebGpu}, if WebGPU was loaded. */
export function webGpuAdapter(): WebGpuAdapter | undefined {
  return loaded;
}

/**
 * Releases Dawn: disposes tfjs' webgpu backend, destroys its device and drops `navigator.gpu`,
 * which otherwise keeps Node's event loop alive after training ends. A no-op if never loaded.
 */
export function releaseWebGpu(): void {
  if (loaded === undefined) return;
  // The registry, not tf.findBackend: that would start initializing a backend never used.
  const backend = tf.engine().registry.webgpu as { device?: { destroy(): void } } | undefined;
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  backend?.device?.destroy();
  const navigator = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  if (navigator) delete navigator.gpu;
  loaded = undefined;
}

/**
 * Vulkan driver manifests (ICDs) the Vulkan loader would read: `VK_ICD_FILENAMES` /
 * `VK_DRIVER_FILES` when set, else the `vulkan/icd.d` folders of the XDG config and data dirs.
 */
export function findVulkanDrivers(env: NodeJS.ProcessEnv = process.env): string[] {
  const explicit = env.VK_DRIVER_FILES || env.VK_ICD_FILENAMES;
  if (explicit) return explicit.split(':').filter((file) => file !== '' && existsSync(file));
  const home = homedir();
  const folders = [
    env.XDG_CONFIG_HOME || join(home, '.config'),
    ...(env.XDG_CONFIG_DIRS || '/etc/xdg').split(':'),
    '/etc',
    env.XDG_DATA_HOME || join(home, '.local/share'),
    ...(env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':'),
  ].map((dir) => join(dir, 'vulkan/icd.d'));
  return [...new Set(folders)].flatMap((dir) => {
    try {
      return readdirSync(dir)
        .filter((name) => name.endsWith('.json'))
        .map((name) => join(dir, name));
    } catch {
      return [];
    }
  });
}
