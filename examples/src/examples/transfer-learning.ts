// Transfer learning: a small CNN learns digits 0-4 on plenty of data; its features (strokes,
// curves) also describe digits 5-9. With only a few labelled examples of 5-9 we compare:
//   scratch            the same CNN from a fresh initialization
//   feature extraction every pretrained layer frozen, a new head trained
//   partial            the convolutions frozen, dense layer + new head trained
//   full fine-tuning   everything trained, starting from the pretrained weights
import type { Split } from '@overfit/data';
import { loadMnist } from '@overfit/data/node';
import { cnn, freeze, replaceHead } from '@overfit/models';
import { Trainer } from '@overfit/training';
import * as tf from '@tensorflow/tfjs';
import { barChart } from '../lib/charts.js';
import { round, toRunRecord } from '../lib/runs.js';
import type { Example, ExampleResult } from '../lib/types.js';

const SEED = 0;

/** The examples of `split` whose digit is in [from, from + 5), at most `perClass` each, labels − from. */
function digits(split: Split, from: number, perClass = Number.POSITIVE_INFINITY) {
  const picked: number[] = [];
  const seen = new Array<number>(10).fill(0);
  for (let i = 0; i < split.count; i++) {
    const d = split.labels[i]!;
    if (d >= from && d < from + 5 && seen[d]! < perClass) {
      seen[d]!++;
      picked.push(i);
    }
  }
  const images = new Float32Array(picked.length * 784);
  picked.forEach((i, k) => {
    images.set(split.images.subarray(i * 784, (i + 1) * 784), k * 784);
  });
  return {
    x: tf.tensor4d(images, [picked.length, 28, 28, 1]),
    y: tf.tensor1d(
      picked.map((i) => split.labels[i]! - from),
      'int32',
    ),
  };
}

export const transferLearning: Example = {
  name: 'transfer-learning',
  claim:
    'with 10 labelled examples per digit 5-9, fine-tuning a CNN pretrained on 0-4 beats training it from scratch; freezing all but the head does worst (its dense features are specific to 0-4)',
  seed: SEED,
  async run({ quick, log }): Promise<ExampleResult> {
    const data = await loadMnist({
      limit: quick ? 6000 : 15000,
      testLimit: quick ? 1000 : 10000,
      validationSplit: 0.1,
      seed: SEED,
    });
    const shape = { filters: [8, 16], denseUnits: 64 };
    const perClass = 10; // labelled examples of each of 5-9
    const source = digits(data.train, 0);
    const sourceVal = digits(data.validation, 0);
    const target = digits(data.train, 5, perClass);
    const targetTest = digits(data.test, 5);
    const fineTuneEpochs = quick ? 20 : 30;

    // 1. Pretrain on 0-4 (five classes).
    const pretrained = cnn({ ...shape, dropout: 0.25, outputUnits: 5, seed: SEED });
    const pretrainer = new Trainer({
      model: pretrained,
      optimizer: tf.train.adam(1e-3),
      seed: SEED,
    });
    const pretrainHistory = await pretrainer.fit(source, {
      epochs: quick ? 2 : 3,
      batchSize: 32,
      validationData: sourceVal,
    });
    const sourceAccuracy = pretrainHistory.history.valAccuracy!.at(-1)!;
    log(
      `pretrained on ${source.y.shape[0]} images of 0-4: validation accuracy ${sourceAccuracy.toFixed(4)}`,
    );
    pretrainer.optimizer.dispose();
    const pretrainedWeights = pretrained.getWeights().map((w) => tf.clone(w));

    // 2. Each strategy starts from its own copy of the pretrained weights.
    const strategies = [
      { name: 'scratch', key: 'scratch', pretrained: false, frozen: undefined },
      {
        name: 'feature extraction',
        key: 'featureExtraction',
        pretrained: true,
        frozen: (n: string) => n !== 'output',
      },
      { name: 'partial fine-tuning', key: 'partial', pretrained: true, frozen: /^(conv|pool)_/ },
      { name: 'full fine-tuning', key: 'full', pretrained: true, frozen: undefined },
    ];
    const numbers: Record<string, number> = {
      sourceValAccuracy: round(sourceAccuracy),
      labelledPerClass: perClass,
    };
    const runs = [toRunRecord('pretraining on 0-4', pretrainHistory)];
    for (const s of strategies) {
      let model: tf.LayersModel;
      let base: tf.LayersModel | undefined;
      if (s.pretrained) {
        base = cnn({ ...shape, dropout: 0.25, outputUnits: 5, seed: SEED });
        base.setWeights(pretrainedWeights);
        // A fresh head for the new classes; the layers below are the pretrained ones.
        model = replaceHead(base, { units: 5, seed: SEED + 1 });
        if (s.frozen) freeze(model, s.frozen);
      } else {
        model = cnn({ ...shape, dropout: 0.25, outputUnits: 5, seed: SEED + 2 });
      }
      // One learning rate for every strategy, so that only what is trained differs.
      const trainer = new Trainer({ model, optimizer: tf.train.adam(3e-3), seed: SEED });
      const history = await trainer.fit(target, {
        epochs: fineTuneEpochs,
        batchSize: 10,
      });
      const evaluation = await trainer.evaluate(targetTest);
      numbers[`testAccuracy_${s.key}`] = round(evaluation.accuracy!);
      log(
        `${s.name.padEnd(20)} accuracy on the test digits 5-9: ${evaluation.accuracy!.toFixed(4)} (${model.trainableWeights.length} trainable tensors)`,
      );
      runs.push(
        toRunRecord(s.name, history, {
          config: {
            strategy: s.name,
            labelledPerClass: perClass,
            epochs: fineTuneEpochs,
            ...shape,
          },
          test: {
            accuracy: evaluation.accuracy!,
            macroF1: evaluation.macroF1!,
            confusionMatrix: evaluation.confusionMatrix!,
          },
        }),
      );
      trainer.optimizer.dispose();
      // Disposes the shared layers too; of the base only its old head is left.
      model.dispose();
      if (base) base.layers[base.layers.length - 1]!.dispose();
    }
    tf.dispose([
      ...pretrainedWeights,
      source.x,
      source.y,
      sourceVal.x,
      sourceVal.y,
      target.x,
      target.y,
      targetTest.x,
      targetTest.y,
    ]);
    pretrained.dispose();

    const n = numbers;
    const transfer = ['featureExtraction', 'partial', 'full'];
    return {
      numbers,
      checks: [
        {
          claim: 'full fine-tuning from the 0-4 weights beats training from scratch',
          holds: n.testAccuracy_full! > n.testAccuracy_scratch!,
        },
        {
          claim:
            'feature extraction (all but the head frozen) is the weakest: the dense features learned on 0-4 do not separate 5-9 linearly',
          holds:
            transfer.every((k) => n.testAccuracy_featureExtraction! <= n[`testAccuracy_${k}`]!) &&
            n.testAccuracy_featureExtraction! < n.testAccuracy_scratch!,
        },
      ],
      runs,
      charts: [
        barChart({
          id: 'transfer',
          title: `Test accuracy on digits 5-9 after training on ${perClass * 5} labelled images`,
          caption:
            'The pretrained features (learned on 0-4) carry over; training the same net from scratch on so few images generalizes worse.',
          x: 'strategy',
          y: 'test accuracy',
          bars: strategies.map((s) => ({ category: s.name, value: n[`testAccuracy_${s.key}`]! })),
        }),
      ],
    };
  },
};
