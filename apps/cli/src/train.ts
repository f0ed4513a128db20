import { type BackendChoice, describeBackendChoice, type TrainingCallback } from '@overfit/core';
import { splitToTensors } from '@overfit/data';
import { loadMnist } from '@overfit/data/node';
import { mlp } from '@overfit/models';
import { Trainer } from '@overfit/training';
import * as tf from '@tensorflow/tfjs';
import type { TrainConfig } from './args.js';
import { buildAugmentation } from './augmentation.js';
import { chooseBackend, describeBackendDetails, installFastKernels } from './backend.js';
import { attachDiagnostics, gradientOptions } from './diagnostics.js';
import { ProgressBar } from './progress.js';
import { buildRegularization } from './regularization.js';
import {
  describeEarlyStopping,
  type EpochReport,
  formatEpoch,
  type TrainReport,
  writeReport,
} from './report.js';

export interface TrainIO {
  out: (line: string) => void;
  err: NodeJS.WriteStream;
}

/** `overfit train`: MNIST → MLP → Trainer → per-epoch validation → test metrics → report. */
export async function train(config: TrainConfig, io: TrainIO): Promise<TrainReport> {
  const choice: BackendChoice = await chooseBackend(config.backend);
  io.out(describeBackendChoice(choice));
  for (const line of describeBackendDetails(choice)) io.out(line);
  io.out(installFastKernels(choice.name));

  const augmentation = buildAugmentation(config, io);
  // Augmentations work on pixels in [0, 1]; standardizing first would shift what "black" is.
  const data = await loadMnist({
    validationSplit: config.validationSplit,
    limit: config.limit ?? undefined,
    normalize: augmentation ? 'unit' : 'standardize',
  });
  io.out(
    `data: MNIST ${data.train.count} train / ${data.validation.count} validation / ${data.test.count} test, ` +
      (augmentation
        ? 'pixels scaled to [0, 1]'
        : `standardized with train mean ${data.normalization.mean.toFixed(4)} std ${data.normalization.std.toFixed(4)}`),
  );

  const regularization = buildRegularization(config);
  const model = mlp({
    ...regularization.model,
    inputShape: [28, 28, 1],
    depth: config.depth,
    width: config.hidden,
    activation: config.activation,
    outputUnits: 10,
    seed: config.seed,
  });
  io.out(
    `model: 784-${Array(config.depth).fill(config.hidden).join('-')}-10, ${config.activation}, ${model.countParams()} parameters`,
  );

  const train = splitToTensors(data.train, { shape: 'image' });
  const validation = splitToTensors(data.validation, { shape: 'image' });
  const test = splitToTensors(data.test, { shape: 'image' });
  const { optimizer } = regularization;
  try {
    const epochs: EpochReport[] = [];
    const trainSamples = data.train.count;
    let epochStart = 0;
    const printer: TrainingCallback = {
      onEpochBegin: () => {
        epochStart = performance.now();
      },
      onEpochEnd: (epoch, logs = {}) => {
        const seconds = (performance.now() - epochStart) / 1000;
        const record: EpochReport = {
          epoch: epoch + 1,
          loss: logs.loss ?? Number.NaN,
          valLoss: logs.valLoss ?? Number.NaN,
          valAccuracy: logs.valAccuracy ?? Number.NaN,
          valMacroF1: logs.valMacroF1 ?? Number.NaN,
          seconds,
          samplesPerSecond: trainSamples / seconds,
        };
        epochs.push(record);
        io.out(formatEpoch(record));
      },
    };
    const trainer = new Trainer({
      model,
      optimizer,
      numClasses: 10,
      seed: config.seed,
      loss: regularization.loss,
      penalties: regularization.penalties,
      constraints: regularization.constraints,
      augment: augmentation?.transform,
      ...gradientOptions(config),
      // Early stopping runs after the printer, so a restored model is what the test sees.
      callbacks: [printer, ...regularization.callbacks],
    });
    const progress = new ProgressBar(io.err);
    const history = await trainer.fit(
      { x: train.x, y: train.y },
      {
        epochs: config.epochs,
        batchSize: config.batchSize,
        validationData:
          data.validation.count === 0 ? undefined : { x: validation.x, y: validation.y },
        onProgress: (p) => progress.update(p.epoch + 1, p.epochs, p.batch + 1, p.batches),
      },
    );
    attachDiagnostics(epochs, history, io);
    // numClasses is set, so the Trainer computes every classification score.
    const {
      loss,
      accuracy = Number.NaN,
      macroF1 = Number.NaN,
      confusionMatrix = [],
    } = await trainer.evaluate({ x: test.x, y: test.y }, { batchSize: 1000 });
    io.out(
      `test: macro-F1 ${macroF1.toFixed(4)}  accuracy ${accuracy.toFixed(4)}  loss ${loss.toFixed(4)}`,
    );
    const earlyStopping = regularization.earlyStopping?.result();
    if (earlyStopping) io.out(describeEarlyStopping(earlyStopping));
    const report: TrainReport = {
      backend: choice.name,
      config,
      epochs,
      ...(earlyStopping ? { earlyStopping } : {}),
      ...(augmentation ? { augmentation: augmentation.description } : {}),
      test: { macroF1, accuracy, loss, confusionMatrix },
    };
    if (config.report !== null) io.out(`report: ${await writeReport(config.report, report)}`);
    return report;
  } finally {
    tf.dispose([train.x, train.y, validation.x, validation.y, test.x, test.y]);
    optimizer.dispose();
    regularization.earlyStopping?.dispose();
    model.dispose();
  }
}
