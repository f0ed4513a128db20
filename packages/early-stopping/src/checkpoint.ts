import {
  checkBoolean,
  checkKnownKeys,
  checkNumber,
  InvalidArgumentError,
  OverfitError,
  register,
} from '@overfit/core';
import { LayersModel } from '@tensorflow/tfjs-layers';
import {
  type CheckpointHandlerFactory,
  routedSaveHandler,
  weightArtifacts,
} from './checkpoint-io.js';
import { formatTemplate, type TemplateField, templateFields } from './checkpoint-path.js';
import { type EpochLogs, findLogKey, MissingMonitorError, readMonitor } from './logs.js';
import { type MonitorArgs, MonitorCallback, type MonitorMode } from './monitor.js';

/** Options of {@link ModelCheckpoint}. */
export interface ModelCheckpointArgs extends MonitorArgs {
  /**
   * Where to save: a tf.io URL (`indexeddb://mnist-best`) or, with `handler`, whatever it takes
   * (a directory in Node). A template: `{epoch}` is the 1-based epoch as in Keras
   * (`{epoch:03d}` pads it), any log key is its value (`{valLoss:.4f}`, `{val_acc:.3f}`).
   */
  filepath: string;
  /**
   * Turns the filled-in path into a tfjs `io.IOHandler`. Default: tf.io's routers
   * (`indexeddb://` in a browser). In Node: `directoryHandler` from `@overfit/early-stopping/node`.
   * Not part of `getConfig()`.
   */
  handler?: CheckpointHandlerFactory;
  /** Default `'valLoss'` (also matches `val_loss`). */
  monitor?: string;
  /** Default 0. */
  minDelta?: number;
  /** Save only when the monitored value improves on the best saved one. Default true. */
  saveBestOnly?: boolean;
  /** Save the weights alone (no topology; reload with `loadCheckpointWeights`). Default false. */
  saveWeightsOnly?: boolean;
  /** Save nothing until the value beats this (Keras' `initial_value_threshold`). Default none. */
  initialValueThreshold?: number | null;
}

/** Plain-JSON form of the options (`handler` is code and stays out). */
export interface ModelCheckpointConfig {
  filepath: string;
  monitor: string;
  mode: MonitorMode;
  minDelta: number;
  saveBestOnly: boolean;
  saveWeightsOnly: boolean;
  initialValueThreshold: number | null;
}

/** One checkpoint written. */
export interface SavedCheckpoint {
  /** 0-based epoch (as in the logs; the path's `{epoch}` is this + 1). */
  readonly epoch: number;
  readonly path: string;
  /** The monitored value at that epoch (`undefined` when the logs lack it and `saveBestOnly` is off). */
  readonly value: number | undefined;
}

const KEYS = [
  'filepath',
  'handler',
  'monitor',
  'mode',
  'minDelta',
  'saveBestOnly',
  'saveWeightsOnly',
  'initialValueThreshold',
] as const;

/**
 * Keras' `ModelCheckpoint` for tfjs-layers `model.fit` and the overfit Trainer: at the end of
 * each epoch, saves the model (or its weights) through a tfjs `io.IOHandler`; with
 * `saveBestOnly` (default) only when the monitored value improves on the best saved so far
 * (`min`: `v + minDelta < best`, `max`: `v - minDelta > best`; with `minDelta = 0` Keras'
 * `np.less` / `np.greater`; a non-finite value never saves). The best value persists across
 * `fit` calls, as in Keras; {@link reset} forgets it.
 *
 * At train begin (before any epoch) it fails when the monitor (with `saveBestOnly`) or a
 * template key will not be logged, when no handler takes the path, or when the model is not a
 * tfjs-layers `LayersModel`. A failing save rejects the epoch (training stops with the error);
 * `directoryHandler` leaves the previous checkpoint intact then.
 *
 * @example
 * const ckpt = new ModelCheckpoint({ filepath: 'indexeddb://mnist-best', monitor: 'valMacroF1' });
 * await model.fit(x, y, { epochs: 20, validationData: [xv, yv], callbacks: [ckpt] });
 * const best = await tf.loadLayersModel('indexeddb://mnist-best');
 */
export class ModelCheckpoint extends MonitorCallback {
  readonly filepath: string;
  readonly saveBestOnly: boolean;
  readonly saveWeightsOnly: boolean;
  readonly initialValueThreshold: number | null;
  private readonly handler: CheckpointHandlerFactory;
  private readonly fields: readonly TemplateField[];
  private best: number | undefined;
  private bestAt: number | undefined;
  private readonly written: SavedCheckpoint[] = [];

  constructor(args: ModelCheckpointArgs) {
    if (args === null || typeof args !== 'object')
      throw new InvalidArgumentError(
        'ModelCheckpoint options',
        args,
        'an object { filepath, ... }',
      );
    checkKnownKeys('ModelCheckpoint options', args, KEYS);
    super('ModelCheckpoint', args, 'valLoss', 0);
    if (typeof args.filepath !== 'string' || args.filepath.length === 0) {
      throw new InvalidArgumentError(
        'filepath',
        args.filepath,
        "a non-empty path or URL template, e.g. 'indexeddb://best' or 'ckpt/epoch-{epoch:03d}'",
      );
    }
    this.filepath = args.filepath;
    this.fields = templateFields(args.filepath);
    if (args.handler !== undefined && typeof args.handler !== 'function') {
      throw new InvalidArgumentError(
        'handler',
        args.handler,
        'a function (path) => tf.io.IOHandler',
      );
    }
    this.handler = args.handler ?? routedSaveHandler;
    this.saveBestOnly = checkBoolean('saveBestOnly', args.saveBestOnly ?? true);
    this.saveWeightsOnly = checkBoolean('saveWeightsOnly', args.saveWeightsOnly ?? false);
    this.initialValueThreshold =
      args.initialValueThreshold === undefined || args.initialValueThreshold === null
        ? null
        : checkNumber('initialValueThreshold', args.initialValueThreshold);
    this.best = this.initialValueThreshold ?? undefined;
  }

  /** Best monitored value saved so far (or the threshold), or `undefined`. */
  get bestValue(): number | undefined {
    return this.best;
  }
  /** Epoch (0-based) of the best save, or `undefined`. */
  get bestEpoch(): number | undefined {
    return this.bestAt;
  }
  /** Every checkpoint written by this instance, in order. */
  get saved(): readonly SavedCheckpoint[] {
    return this.written;
  }
  /** Path of the last checkpoint written, or `undefined`. */
  get lastPath(): string | undefined {
    return this.written.at(-1)?.path;
  }

  override async onTrainBegin(): Promise<void> {
    this.layersModel();
    if (this.saveBestOnly) this.checkMonitorDeclared();
    this.checkTemplateDeclared();
    // The scheme is checked now (with the fields filled by placeholders), not after an epoch.
    const probe = Object.fromEntries(this.fields.map((f) => [f.key, 0]));
    this.handler(formatTemplate(this.filepath, probe));
  }

  override async onEpochEnd(epoch: number, logs?: EpochLogs): Promise<void> {
    const model = this.layersModel();
    let value: number | undefined;
    if (this.saveBestOnly) {
      value = await this.read(logs);
      if (!this.improves(value, this.best)) return;
    } else if (findLogKey(logs, this.monitor) !== undefined) {
      value = await this.read(logs);
    }
    const path = await this.fillPath(epoch, logs);
    const artifactsOrModel = this.saveWeightsOnly ? await weightArtifacts(model) : undefined;
    const handler = this.handler(path);
    if (artifactsOrModel === undefined) await model.save(handler);
    else {
      if (handler.save === undefined)
        throw new OverfitError(`ModelCheckpoint: the handler for '${path}' cannot save`);
      await handler.save(artifactsOrModel);
    }
    if (this.saveBestOnly) {
      this.best = value;
      this.bestAt = epoch;
    }
    this.written.push({ epoch, path, value });
  }

  /** Forgets the best value (back to `initialValueThreshold`) and the list of saves. */
  reset(): void {
    this.best = this.initialValueThreshold ?? undefined;
    this.bestAt = undefined;
    this.written.length = 0;
  }

  getConfig(): ModelCheckpointConfig {
    return {
      filepath: this.filepath,
      monitor: this.monitor,
      mode: this.mode,
      minDelta: this.minDelta,
      saveBestOnly: this.saveBestOnly,
      saveWeightsOnly: this.saveWeightsOnly,
      initialValueThreshold: this.initialValueThreshold,
    };
  }

  /** Rebuilds from `getConfig()`; pass `handler` again where the default routers do not fit. */
  static fromConfig(
    config: ModelCheckpointConfig | ModelCheckpointArgs,
    handler?: CheckpointHandlerFactory,
  ): ModelCheckpoint {
    return new ModelCheckpoint(handler === undefined ? config : { ...config, handler });
  }

  private layersModel(): LayersModel {
    const model = this.requireModel();
    if (!(model instanceof LayersModel)) {
      throw new InvalidArgumentError(
        'ModelCheckpoint model',
        model,
        'a tfjs-layers LayersModel (model.fit or the overfit Trainer give one)',
      );
    }
    return model;
  }

  private checkTemplateDeclared(): void {
    const declared = (this.params as { metrics?: unknown } | undefined)?.metrics;
    if (!Array.isArray(declared)) return;
    const logs = Object.fromEntries(declared.map((k: string) => [k, 0]));
    for (const { key } of this.fields) {
      if (key !== 'epoch' && findLogKey(logs, key) === undefined)
        throw new MissingMonitorError(key, declared, 'ModelCheckpoint filepath', 'trainBegin');
    }
  }

  private async fillPath(epoch: number, logs: EpochLogs | undefined): Promise<string> {
    const values: Record<string, number> = { epoch: epoch + 1 };
    for (const { key } of this.fields) {
      if (key !== 'epoch') values[key] = await readMonitor(logs, key, 'ModelCheckpoint filepath');
    }
    return formatTemplate(this.filepath, values);
  }
}

register(
  'ModelCheckpoint',
  'callback',
  (config) => ModelCheckpoint.fromConfig(config as unknown as ModelCheckpointConfig),
  { cls: ModelCheckpoint },
);
