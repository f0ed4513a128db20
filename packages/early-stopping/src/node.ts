/**
 * `@overfit/early-stopping/node`: the Node-only entry of this package (the main entry never
 * touches the file system). A tfjs `io.IOHandler` that saves a model to a directory and loads
 * it back, for `ModelCheckpoint({ handler: directoryHandler })` and `tf.loadLayersModel`.
 */
import * as fsPromises from 'node:fs/promises';
import { join, resolve } from 'node:path';
// By package name, not a relative path: the CJS build of this entry then shares the error
// classes of the main entries (instanceof works across both).
import { DataFormatError, InvalidArgumentError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';

/** The file operations the handler uses (default `node:fs/promises`); tests inject failures. */
export interface DirectoryFs {
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  writeFile(path: string, data: string | Uint8Array): Promise<void>;
  readFile(path: string): Promise<Uint8Array>;
  rename(from: string, to: string): Promise<void>;
  link(existing: string, alias: string): Promise<void>;
  rm(path: string, options: { force: true }): Promise<void>;
}

/** Options of {@link directoryHandler}. */
export interface DirectoryHandlerOptions {
  /** File operations; default `node:fs/promises`. */
  fs?: DirectoryFs;
}

/** File names inside the directory, as tfjs-node's `file://` handler writes them. */
export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

function tempName(name: string): string {
  return `.${name}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
}

function modelJson(artifacts: tf.io.ModelArtifacts): tf.io.ModelJSON {
  const json: Record<string, unknown> = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
  };
  for (const key of ['trainingConfig', 'signature', 'userDefinedMetadata', 'modelInitializer'])
    if ((artifacts as Record<string, unknown>)[key] != null)
      json[key] = (artifacts as Record<string, unknown>)[key];
  return json as unknown as tf.io.ModelJSON;
}

/**
 * A tfjs `io.IOHandler` for the directory `dir`: `save` writes `model.json` and `weights.bin`
 * (tfjs' format) to temporary files in `dir`, then renames them over the old ones, weights
 * first, `model.json` last (the commit); a failed write or rename leaves the previous
 * checkpoint as it was (the old `weights.bin` is kept as a hard link until the commit) and
 * removes the temporary files. `load` reads them back (for `tf.loadLayersModel(directoryHandler(dir))`).
 *
 * @example
 * const ckpt = new ModelCheckpoint({ filepath: 'ckpt/best', handler: directoryHandler });
 * await trainer.fit(data, { epochs: 10, validationData, callbacks: [ckpt] });
 * const best = await tf.loadLayersModel(directoryHandler('ckpt/best'));
 */
export function directoryHandler(
  dir: string,
  options: DirectoryHandlerOptions = {},
): tf.io.IOHandler {
  if (typeof dir !== 'string' || dir.length === 0)
    throw new InvalidArgumentError('dir', dir, 'a non-empty directory path');
  const fs: DirectoryFs = options.fs ?? (fsPromises as unknown as DirectoryFs);
  const root = resolve(dir.replace(/^file:\/\//, ''));
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer)
        throw new InvalidArgumentError(
          'artifacts.modelTopology',
          'an ArrayBuffer',
          'a JSON topology',
        );
      const weights =
        artifacts.weightData === undefined
          ? new Uint8Array(0)
          : new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData));
      const json = JSON.stringify(modelJson(artifacts));
      await fs.mkdir(root, { recursive: true });
      const target = { weights: join(root, WEIGHTS_BIN), json: join(root, MODEL_JSON) };
      const tmp = {
        weights: join(root, tempName(WEIGHTS_BIN)),
        json: join(root, tempName(MODEL_JSON)),
        previous: join(root, tempName(`${WEIGHTS_BIN}.previous`)),
      };
      try {
        await fs.writeFile(tmp.weights, weights);
        await fs.writeFile(tmp.json, json);
        // model.json's rename commits the save; until then the old weights stay reachable.
        const hadWeights = await fs.link(target.weights, tmp.previous).then(
          () => true,
          (error: NodeJS.ErrnoException) => {
            if (error.code === 'ENOENT') return false;
            throw error;
          },
        );
        await fs.rename(tmp.weights, target.weights);
        try {
          await fs.rename(tmp.json, target.json);
        } catch (error) {
          if (hadWeights) await fs.rename(tmp.previous, target.weights);
          else await fs.rm(target.weights, { force: true });
          throw error;
        }
      } finally {
        await Promise.all(Object.values(tmp).map((p) => fs.rm(p, { force: true })));
      }
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes:
            artifacts.modelTopology == null ? 0 : JSON.stringify(artifacts.modelTopology).length,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
          weightDataBytes: weights.byteLength,
        },
      };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const text = new TextDecoder().decode(await fs.readFile(join(root, MODEL_JSON)));
      let json: tf.io.ModelJSON;
      try {
        json = JSON.parse(text) as tf.io.ModelJSON;
      } catch (error) {
        throw new DataFormatError(
          `${join(root, MODEL_JSON)} is not JSON: ${(error as Error).message}`,
        );
      }
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs = manifest.flatMap((group) => group.weights);
        const buffers = await Promise.all(
          manifest
            .flatMap((group) => group.paths)
            .map(async (p) => {
              const bytes = await fs.readFile(join(root, p));
              return bytes.buffer.slice(
                bytes.byteOffset,
                bytes.byteOffset + bytes.byteLength,
              ) as ArrayBuffer;
            }),
        );
        return [specs, tf.io.concatenateArrayBuffers(buffers)];
      });
    },
  };
}
