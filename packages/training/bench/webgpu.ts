// The bench's webgpu backend: loaded as apps/cli loads it (Dawn, the `webgpu` package, and
// tfjs-backend-webgpu with the AddN fix), from apps/cli, whose dependencies both packages are
// (`webgpu` an optional one). Bench code: it may reach into the app.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { describeAdapter, loadWebGpu, releaseWebGpu } from '../../../apps/cli/src/webgpu.js';

// From bench/ (source) and dist-bench/ (bundled) alike, three levels up is the repository root.
const fromCli = createRequire(new URL('../../../apps/cli/package.json', import.meta.url));

/** Registers the `webgpu` backend (software adapters too) and returns its adapter, in one line. */
export async function loadBenchWebGpu(): Promise<string> {
  const specifier = (pkg: string) => {
    try {
      return pathToFileURL(fromCli.resolve(pkg)).href;
    } catch {
      return pkg; // not installed: loadWebGpu says so
    }
  };
  return describeAdapter(await loadWebGpu({ allowSoftware: true, specifier }));
}

export { releaseWebGpu };
