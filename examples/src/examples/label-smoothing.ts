// Label smoothing trains on (1 − eps)·onehot + eps/K instead of one-hot targets, so the net is
// never pushed toward probability 1: its predictions are less over-confident, usually at the
// same accuracy. Same MLP, same MNIST subset, same seed; only the loss differs.
import { splitToTensors } from '@overfit/data';
import { loadMnist } from '@overfit/data/node';
import { mlp } from '@overfit/models';
import { labelSmoothingLoss, smoothLabels } from '@overfit/regularizers';
import { Trainer } from '@overfit/training';
import * as tf from '@tensorflow/tfjs';
import { barChart } from '../lib/charts.js';
import { round, toRunRecord } from '../lib/runs.js';
import type { Example, ExampleResult } from '../lib/types.js';

const SEED = 3;

/** Mean max-probability, and the expected calibration error over 10 confidence bins. */
async function confidence(logits: tf.Tensor, labels: tf.Tensor) {
  const [probs, ids] = tf.tidy(() => {
    const p = tf.softmax(logits);
    return [p, tf.argMax(p, 1)];
  });
  const [p, predicted, truth] = await Promise.all([probs!.data(), ids!.data(), labels.data()]);
  tf.dispose([probs!, ids!]);
  const k = p.length / truth.length;
  const bins = Array.from({ length: 10 }, () => ({ n: 0, conf: 0, correct: 0 }));
  let total = 0;
  for (let i = 0; i < truth.length; i++) {
    const c = p[i * k + predicted[i]!]!;
    total += c;
    const bin = bins[Math.min(9, Math.floor(c * 10))]!;
    bin.n++;
    bin.conf += c;
    bin.correct += predicted[i] === truth[i] ? 1 : 0;
  }
  const ece = bins.reduce((s, b) => s + (b.n ? Math.abs(b.conf - b.correct) : 0), 0) / truth.length;
  return { meanConfidence: total / truth.length, ece };
}

export const labelSmoothing: Example = {
  name: 'label-smoothing',
  claim:
    "label smoothing (eps 0.1) lowers the net's confidence (mean max-probability) on MNIST at about the same test accuracy",
  seed: SEED,
  async run({ quick, log }): Promise<ExampleResult> {
    const data = await loadMnist({
      limit: quick ? 1500 : 10000,
      testLimit: quick ? 1000 : 10000,
      validationSplit: 0.1,
      seed: SEED,
    });
    const train = splitToTensors(data.train);
    const validation = splitToTensors(data.validation);
    const test = splitToTensors(data.test);
    const epochs = quick ? 6 : 20;

    // The targets eps = 0.1 trains on, for one digit: 0.91 on its class, 0.01 elsewhere.
    const example = tf.tidy(() => smoothLabels(tf.oneHot([3], 10).toFloat(), 0.1));
    const smoothedRow = Array.from(await example.data(), (v) => round(v));
    example.dispose();

    const numbers: Record<string, number> = {};
    const runs = [];
    for (const eps of [0, 0.1]) {
      const key = eps === 0 ? 'none' : 'eps01';
      const model = mlp({ inputShape: [784], hiddenUnits: [256], outputUnits: 10, seed: SEED });
      const trainer = new Trainer({
        model,
        optimizer: tf.train.adam(1e-3),
        loss: labelSmoothingLoss(eps), // eps = 0: plain softmax cross-entropy
        numClasses: 10,
        seed: SEED,
      });
      const history = await trainer.fit(train, {
        epochs,
        batchSize: 64,
        validationData: validation,
      });
      const evaluation = await trainer.evaluate(test);
      const logits = trainer.predict(test.x);
      const calibration = await confidence(logits, test.y);
      // The unsmoothed test cross-entropy, comparable across both runs.
      const nll = tf.tidy(() =>
        tf.losses.softmaxCrossEntropy(tf.oneHot(test.y as tf.Tensor1D, 10), logits),
      );
      numbers[`testAccuracy_${key}`] = round(evaluation.accuracy!);
      numbers[`meanConfidence_${key}`] = round(calibration.meanConfidence);
      numbers[`ece_${key}`] = round(calibration.ece);
      numbers[`testNll_${key}`] = round((await nll.data())[0]!);
      tf.dispose([logits, nll]);
      log(
        `eps ${eps}: test accuracy ${numbers[`testAccuracy_${key}`]}, mean confidence ${numbers[`meanConfidence_${key}`]}, ECE ${numbers[`ece_${key}`]}, test NLL ${numbers[`testNll_${key}`]}`,
      );
      runs.push(
        toRunRecord(eps === 0 ? 'one-hot targets' : 'label smoothing 0.1', history, {
          config: { labelSmoothing: eps, hiddenUnits: [256], epochs },
          test: {
            accuracy: evaluation.accuracy!,
            macroF1: evaluation.macroF1!,
            confusionMatrix: evaluation.confusionMatrix!,
          },
          summary: { meanConfidence: calibration.meanConfidence, ece: calibration.ece },
        }),
      );
      model.dispose();
      trainer.optimizer.dispose();
    }
    tf.dispose([train.x, train.y, validation.x, validation.y, test.x, test.y]);

    const n = numbers;
    return {
      numbers,
      checks: [
        {
          claim: 'smoothing lowers the mean confidence',
          holds: n.meanConfidence_eps01! < n.meanConfidence_none!,
        },
        {
          claim: 'test accuracy stays within 2 points',
          holds: Math.abs(n.testAccuracy_eps01! - n.testAccuracy_none!) < 0.02,
        },
      ],
      runs,
      charts: [
        barChart({
          id: 'confidence',
          title: 'Test set: accuracy vs confidence',
          caption:
            "A calibrated net's mean confidence equals its accuracy. One-hot targets push confidence toward 1; smoothing holds it back (targets 0.91 / 0.01 for eps = 0.1).",
          x: 'targets',
          y: 'value',
          bars: [
            { category: 'one-hot', group: 'accuracy', value: n.testAccuracy_none! },
            { category: 'one-hot', group: 'mean confidence', value: n.meanConfidence_none! },
            { category: 'smoothed 0.1', group: 'accuracy', value: n.testAccuracy_eps01! },
            { category: 'smoothed 0.1', group: 'mean confidence', value: n.meanConfidence_eps01! },
          ],
        }),
      ],
      details: { smoothedTargetsForDigit3: smoothedRow },
    };
  },
};
