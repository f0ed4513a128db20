// The course's 1-D noisy regression: 50 points of y = x + 0.3·noise, an MLP 1-100-100-1 trained
// with Adam 0.01 for 1500 full-batch epochs. Without dropout the net bends to fit the noise
// (training loss far below the noise variance 0.09, validation loss climbing); with dropout it
// stays close to the line y = x.
import { mlp } from '@overfit/models';
import { Trainer } from '@overfit/training';
import * as tf from '@tensorflow/tfjs';
import { type Series, xyChart } from '../lib/charts.js';
import { argmin, readScalar, round, toRunRecord } from '../lib/runs.js';
import type { Example, ExampleResult } from '../lib/types.js';

const SEED = 1;
const N = 50;
const NOISE = 0.3;

/** n points, x evenly spread over [-1, 1], y = x + NOISE·N(0, 1). */
function noisyLine(n: number, seed: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const x = tf.linspace(-1, 1, n).reshape([n, 1]) as tf.Tensor2D;
    const y = tf.add(x, tf.mul(NOISE, tf.randomNormal([n, 1], 0, 1, 'float32', seed)));
    return { x, y: y as tf.Tensor2D };
  });
}

export const noisyRegression: Example = {
  name: 'noisy-regression',
  claim:
    'without dropout the 1-100-100-1 net fits the noise of 50 points (low training, high validation loss); dropout 0.5 / 0.2 does not',
  seed: SEED,
  async run({ quick, log }): Promise<ExampleResult> {
    const epochs = quick ? 300 : 1500;
    const train = noisyLine(N, SEED);
    // Many validation points, so that the validation loss is measured precisely (its floor is the
    // noise variance 0.09).
    const validation = noisyLine(1000, SEED + 1000);
    const grid = tf.tidy(() => tf.linspace(-1, 1, 101).reshape([101, 1]));

    const runs = [];
    const fits: Series[] = [];
    const numbers: Record<string, number> = {};
    for (const rate of [0, 0.2, 0.5]) {
      const name = rate === 0 ? 'no dropout' : `dropout ${rate}`;
      // One dropout layer of this rate after each hidden block; the same seed gives every net
      // the same initial weights.
      const model = mlp({
        inputShape: [1],
        hiddenUnits: [100, 100],
        outputUnits: 1,
        dropout: rate,
        seed: SEED,
      });
      const trainer = new Trainer({
        model,
        optimizer: tf.train.adam(0.01),
        loss: 'meanSquaredError',
        seed: SEED,
      });
      const history = await trainer.fit(train, {
        epochs,
        batchSize: N, // full batch, as in the course
        validationData: validation,
        shuffle: false,
      });
      // Training loss as the model sees it at inference (dropout off), to compare like with like.
      const trainEval = await trainer.evaluate(train);
      const valLosses = history.history.valLoss!;
      const finalVal = valLosses[valLosses.length - 1]!;
      const best = argmin(valLosses);
      // Distance to the true function y = x on a grid: the part of the error that is not noise.
      const onGrid = trainer.predict(grid);
      const trueErr = await readScalar(tf.tidy(() => tf.mean(tf.square(tf.sub(onGrid, grid)))));
      onGrid.dispose();
      const key = rate === 0 ? 'none' : `dropout${String(rate).replace('.', '')}`;
      numbers[`trainMse_${key}`] = round(trainEval.loss);
      numbers[`valMse_${key}`] = round(finalVal);
      numbers[`bestValMse_${key}`] = round(best.value);
      numbers[`trueFunctionMse_${key}`] = round(trueErr);
      log(
        `${name}: train MSE ${trainEval.loss.toFixed(4)}, validation MSE ${finalVal.toFixed(4)} (best ${best.value.toFixed(4)} at epoch ${best.index + 1})`,
      );
      runs.push(
        toRunRecord(name, history, {
          config: { hiddenUnits: [100, 100], dropout: rate, optimizer: 'adam(0.01)', epochs },
          test: { loss: finalVal },
          summary: { trainMse: trainEval.loss, validationMse: finalVal },
        }),
      );
      const prediction = trainer.predict(grid);
      const [xs, ys] = await Promise.all([grid.data(), prediction.data()]);
      prediction.dispose();
      fits.push({ name, points: Array.from(xs, (x, i) => [x, ys[i]!] as const) });
      model.dispose();
      trainer.optimizer.dispose(); // its moment estimates
    }

    const [tx, ty] = await Promise.all([train.x.data(), train.y.data()]);
    const chart = xyChart({
      id: 'fitted-functions',
      title: 'Fitted functions over the data',
      caption:
        'Without dropout the curve wiggles through the training points (it learned the noise); with dropout it stays near the true line y = x.',
      x: 'x',
      y: 'y',
      series: [
        { name: 'training points', mark: 'point', points: Array.from(tx, (x, i) => [x, ty[i]!]) },
        {
          name: 'true function y = x',
          points: [
            [-1, -1],
            [1, 1],
          ],
        },
        ...fits,
      ],
    });
    tf.dispose([train.x, train.y, validation.x, validation.y, grid]);
    const gap = (key: string) => numbers[`valMse_${key}`]! - numbers[`trainMse_${key}`]!;

    return {
      numbers,
      checks: [
        {
          claim: 'no dropout fits the training points more closely than either dropout net',
          holds:
            numbers.trainMse_none! < numbers.trainMse_dropout02! &&
            numbers.trainMse_none! < numbers.trainMse_dropout05!,
        },
        {
          claim: `no dropout fits below the noise variance ${NOISE * NOISE} (it learned noise)`,
          holds: numbers.trainMse_none! < NOISE * NOISE,
        },
        {
          claim: 'no dropout has the largest generalization gap (validation - training MSE)',
          holds: gap('none') > gap('dropout02') && gap('none') > gap('dropout05'),
        },
        // The validation loss itself needs the course's 1500 epochs to turn clearly against
        // the unregularized net (at the quick setting's 300, dropout 0.5 is still catching up).
        ...(quick
          ? []
          : [
              {
                claim: 'no dropout ends with a higher validation loss than either dropout net',
                holds:
                  numbers.valMse_none! > numbers.valMse_dropout02! &&
                  numbers.valMse_none! > numbers.valMse_dropout05!,
              },
              {
                claim:
                  'no dropout ends farther from the true function y = x than either dropout net',
                holds:
                  numbers.trueFunctionMse_none! > numbers.trueFunctionMse_dropout02! &&
                  numbers.trueFunctionMse_none! > numbers.trueFunctionMse_dropout05!,
              },
            ]),
      ],
      runs,
      charts: [chart],
    };
  },
};
