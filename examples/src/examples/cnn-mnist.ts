// The course's MNIST CNN: 3×3 convolutions with 32/64/128 filters and max-pooling, dense 512,
// dropout 0.5, Adam with weight decay 1e-4, augmentation (rotation ±10°, brightness and
// contrast 0.2) in training only, normalization with mean 0.1307 / std 0.3081, a progress bar
// per epoch, then test accuracy, the per-class precision / recall / F1 report and the
// confusion matrix. The quick setting trains a narrower copy on a subset.
import { colorJitter, pipeline, rotate } from '@overfit/augmentation';
import type { Transform } from '@overfit/core';
import { splitToTensors } from '@overfit/data';
import { loadMnist } from '@overfit/data/node';
import { classificationReport, formatClassificationReport } from '@overfit/metrics';
import { cnn } from '@overfit/models';
import { torchAdam } from '@overfit/regularizers';
import { Trainer } from '@overfit/training';
import * as tf from '@tensorflow/tfjs';
import { round, toRunRecord } from '../lib/runs.js';
import type { Example, ExampleResult } from '../lib/types.js';

const SEED = 4;
const MEAN = 0.1307;
const STD = 0.3081;

/** `(x − mean) / std`: a transform with nothing random, so it can end the pipeline. */
const normalize: Transform<null> = {
  name: 'normalize',
  sampleParams: () => null,
  apply: (images) => tf.tidy(() => tf.div(tf.sub(images, MEAN), STD)),
};

export const cnnMnist: Example = {
  name: 'cnn-mnist',
  claim:
    'the course CNN (dropout 0.5, Adam weight decay 1e-4, rotation + color jitter, normalization) reaches high test accuracy on MNIST, with a per-class report and confusion matrix',
  seed: SEED,
  async run({ quick, log, progress }): Promise<ExampleResult> {
    // Pixels in [0, 1]: augmentation needs them so; normalization comes after it.
    const data = await loadMnist({
      limit: quick ? 2000 : 10000,
      testLimit: quick ? 1000 : 10000,
      validationSplit: 0.1,
      normalize: 'unit',
      seed: SEED,
    });
    const train = splitToTensors(data.train, { shape: 'image' });
    const raw = {
      validation: splitToTensors(data.validation, { shape: 'image' }),
      test: splitToTensors(data.test, { shape: 'image' }),
    };
    // Evaluation data: normalized the same way, never augmented.
    const validation = { x: normalize.apply(raw.validation.x, null), y: raw.validation.y };
    const test = { x: normalize.apply(raw.test.x, null), y: raw.test.y };
    tf.dispose([raw.validation.x, raw.test.x]);

    const shape = quick ? { filters: [8, 16, 32], denseUnits: 64 } : {}; // full: 32/64/128, 512
    const model = cnn({ ...shape, dropout: 0.5, seed: SEED });
    const augmentation = pipeline([
      rotate({ degrees: 10 }),
      colorJitter({ brightness: 0.2, contrast: 0.2 }),
      normalize,
    ]);
    // PyTorch's Adam(weight_decay=1e-4), as in the course (coupled: added to the gradient);
    // `adamw` from @overfit/regularizers is the decoupled alternative.
    const trainer = new Trainer({
      model,
      optimizer: torchAdam({ learningRate: 1e-3, weightDecay: 1e-4 }),
      augment: augmentation,
      seed: SEED,
    });
    const epochs = 2;
    const history = await trainer.fit(train, {
      epochs,
      batchSize: 64,
      validationData: validation,
      onProgress: (p) => {
        const width = 30;
        const filled = Math.round((width * (p.batch + 1)) / p.batches);
        const done = p.batch + 1 === p.batches;
        progress?.(
          `epoch ${p.epoch + 1}/${p.epochs} [${'='.repeat(filled).padEnd(width)}] ${p.batch + 1}/${p.batches}`,
          done,
        );
      },
    });
    for (const e of history.epochs)
      log(
        `epoch ${e.epoch + 1}: loss ${e.loss.toFixed(4)}, validation accuracy ${e.valAccuracy!.toFixed(4)}, ${Math.round(e.samplesPerSecond)} samples/s`,
      );

    const evaluation = await trainer.evaluate(test);
    const logits = trainer.predict(test.x);
    const report = await classificationReport(test.y, logits, { numClasses: 10 });
    logits.dispose();
    log(
      `test accuracy ${evaluation.accuracy!.toFixed(4)}, macro-F1 ${evaluation.macroF1!.toFixed(4)}`,
    );
    for (const line of formatClassificationReport(report).split('\n')) log(line);
    tf.dispose([train.x, train.y, validation.x, validation.y, test.x, test.y]);
    model.dispose();
    trainer.optimizer.dispose();

    const worst = report.classes.reduce((a, b) => (b.f1 < a.f1 ? b : a));
    const numbers = {
      testAccuracy: round(evaluation.accuracy!),
      testMacroF1: round(evaluation.macroF1!),
      worstClassF1: round(worst.f1),
      worstClass: Number(worst.name),
      trainSamples: data.train.count,
    };
    // Quick: 1800 images, 2 epochs of a narrow copy; full: the course CNN, 9000 images, 2 epochs
    // (tfjs on a CPU trains it at tens of images per second).
    const target = quick ? 0.75 : 0.95;
    return {
      numbers,
      checks: [{ claim: `test accuracy above ${target}`, holds: numbers.testAccuracy > target }],
      runs: [
        toRunRecord(quick ? 'small CNN (quick)' : 'course CNN', history, {
          config: {
            ...shape,
            dropout: 0.5,
            optimizer: 'torchAdam(1e-3, weightDecay 1e-4)',
            augmentation: 'rotate(10), jitter(0.2, 0.2), normalize(0.1307, 0.3081)',
            epochs,
          },
          test: {
            accuracy: evaluation.accuracy!,
            macroF1: evaluation.macroF1!,
            loss: evaluation.loss,
            confusionMatrix: evaluation.confusionMatrix!,
            classificationReport: report,
          },
        }),
      ],
      details: { classificationReport: report },
    };
  },
};
