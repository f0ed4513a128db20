// Early stopping: watch the validation loss, keep the weights of its best epoch, stop once it
// has not improved for `patience` epochs. An unregularized MLP on a small MNIST subset overfits
// (validation loss falls, then climbs); with EarlyStopping the same run (same seed, same
// batches) stops soon after the minimum and restores the best weights. It also limits how far
// the weights travel from their initialization (early stopping acts like an L2 penalty).
import { splitToTensors } from '@overfit/data';
import { loadMnist } from '@overfit/data/node';
import { EarlyStopping } from '@overfit/early-stopping';
import { mlp } from '@overfit/models';
import { Trainer } from '@overfit/training';
import * as tf from '@tensorflow/tfjs';
import { argmin, round, toRunRecord } from '../lib/runs.js';
import type { Example, ExampleResult } from '../lib/types.js';

const SEED = 3;

/** ||w − w0|| over all weights. */
async function distance(model: tf.LayersModel, initial: tf.Tensor[]): Promise<number> {
  const d = tf.tidy(() =>
    tf.sqrt(tf.addN(model.getWeights().map((w, i) => tf.sum(tf.square(tf.sub(w, initial[i]!)))))),
  );
  const value = (await d.data())[0]!;
  d.dispose();
  return value;
}

export const earlyStopping: Example = {
  name: 'early-stopping',
  claim:
    "EarlyStopping(patience, restoreBestWeights) stops soon after the validation loss turns upward and keeps the best epoch's weights: a lower test loss than training on, and weights closer to their initialization",
  seed: SEED,
  async run({ quick, log }): Promise<ExampleResult> {
    const data = await loadMnist({
      limit: quick ? 1000 : 2000,
      testLimit: quick ? 1000 : 10000,
      validationSplit: 0.2,
      seed: SEED,
    });
    const train = splitToTensors(data.train);
    const validation = splitToTensors(data.validation);
    const test = splitToTensors(data.test);
    const maxEpochs = quick ? 25 : 60;
    const patience = quick ? 3 : 5;

    const numbers: Record<string, number> = {};
    const runs = [];
    for (const withStopping of [false, true]) {
      const model = mlp({
        inputShape: [784],
        hiddenUnits: [256, 256],
        outputUnits: 10,
        seed: SEED,
      });
      const initial = model.getWeights().map((w) => tf.clone(w));
      const stopper = new EarlyStopping({
        monitor: 'val_loss',
        patience,
        restoreBestWeights: true,
      });
      const trainer = new Trainer({
        model,
        optimizer: tf.train.adam(1e-3),
        seed: SEED,
        callbacks: withStopping ? [stopper] : [],
      });
      const history = await trainer.fit(train, {
        epochs: maxEpochs,
        batchSize: 32,
        validationData: validation,
      });
      const evaluation = await trainer.evaluate(test);
      const travelled = await distance(model, initial);
      tf.dispose(initial);
      const key = withStopping ? 'stopped' : 'full';
      const valLoss = history.history.valLoss!;
      numbers[`epochs_${key}`] = valLoss.length;
      numbers[`testLoss_${key}`] = round(evaluation.loss);
      numbers[`testAccuracy_${key}`] = round(evaluation.accuracy!);
      numbers[`weightDistance_${key}`] = round(travelled);
      if (withStopping) {
        const result = stopper.result();
        numbers.bestEpoch = result.bestEpoch! + 1;
        numbers.bestValLoss = round(result.bestValue!);
        log(`with EarlyStopping: ${result.message}`);
      } else {
        const best = argmin(valLoss);
        numbers.minValLossEpoch_full = best.index + 1;
        numbers.finalValLoss_full = round(valLoss.at(-1)!);
        log(
          `without: ${maxEpochs} epochs, validation loss lowest at epoch ${best.index + 1} (${best.value.toFixed(4)}), ${valLoss.at(-1)!.toFixed(4)} at the end`,
        );
      }
      log(
        `  test loss ${numbers[`testLoss_${key}`]}, accuracy ${numbers[`testAccuracy_${key}`]}, ||w - w0|| ${numbers[`weightDistance_${key}`]}`,
      );
      runs.push(
        toRunRecord(
          withStopping ? `EarlyStopping(patience ${patience})` : 'no early stopping',
          history,
          {
            config: { maxEpochs, patience: withStopping ? patience : null },
            ...(withStopping ? { stopReason: stopper.result().stopReason } : {}),
            test: {
              loss: evaluation.loss,
              accuracy: evaluation.accuracy!,
              macroF1: evaluation.macroF1!,
            },
            summary: { weightDistanceFromInit: travelled },
          },
        ),
      );
      stopper.dispose();
      model.dispose();
      trainer.optimizer.dispose();
    }
    tf.dispose([train.x, train.y, validation.x, validation.y, test.x, test.y]);

    const n = numbers;
    return {
      numbers,
      checks: [
        {
          claim: 'the unregularized run overfits: its validation loss ends above its minimum',
          holds: n.finalValLoss_full! > n.bestValLoss! * 1.1,
        },
        {
          claim: 'EarlyStopping ends before the epoch limit',
          holds: n.epochs_stopped! < maxEpochs,
        },
        {
          claim: "the restored best weights have a lower test loss than the full run's",
          holds: n.testLoss_stopped! < n.testLoss_full!,
        },
        {
          claim: 'and lie closer to the initialization',
          holds: n.weightDistance_stopped! < n.weightDistance_full!,
        },
      ],
      runs,
    };
  },
};
