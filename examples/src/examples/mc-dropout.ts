// Monte-Carlo dropout: keep dropout on at inference and run the net many times; the spread of
// the predictions is an uncertainty estimate. Trained on x in [-1, 1], the net is unsure away
// from its data, so the 95% interval widens outside that range.
import { mlp } from '@overfit/models';
import { mcDropoutPredict } from '@overfit/regularizers';
import { Trainer } from '@overfit/training';
import * as tf from '@tensorflow/tfjs';
import { xyChart } from '../lib/charts.js';
import { mean, round, toRunRecord } from '../lib/runs.js';
import type { Example, ExampleResult } from '../lib/types.js';

const SEED = 1;

export const mcDropout: Example = {
  name: 'mc-dropout',
  claim:
    'predictive mean and 95% interval from many dropout-on passes: the interval is narrow on the data (x in [-1, 1]) and widens off-distribution',
  seed: SEED,
  async run({ quick, log }): Promise<ExampleResult> {
    const epochs = quick ? 150 : 1000;
    const samples = quick ? 50 : 500;
    // 50 points of y = sin(pi x) + 0.1 noise on [-1, 1].
    const train = tf.tidy(() => {
      const x = tf.linspace(-1, 1, 50).reshape([50, 1]);
      const y = tf.add(
        tf.sin(tf.mul(Math.PI, x)),
        tf.randomNormal([50, 1], 0, 0.1, 'float32', SEED),
      );
      return { x, y };
    });
    const model = mlp({
      inputShape: [1],
      hiddenUnits: [100, 100],
      outputUnits: 1,
      dropout: 0.2,
      seed: SEED,
    });
    const trainer = new Trainer({
      model,
      optimizer: tf.train.adam(0.01),
      loss: 'meanSquaredError',
      seed: SEED,
    });
    const history = await trainer.fit(train, { epochs, batchSize: 50, shuffle: false });

    // The predictive distribution on [-3, 3]: `samples` passes with fresh dropout masks.
    const grid = tf.tidy(() => tf.linspace(-3, 3, 121).reshape([121, 1]));
    const prediction = mcDropoutPredict(model, grid, { samples, seed: SEED, confidence: 0.95 });
    const [xs, mu, lo, hi] = await Promise.all(
      [grid, prediction.mean, prediction.lower, prediction.upper].map((t) => t.data()),
    );
    const [tx, ty] = await Promise.all([train.x.data(), train.y.data()]);
    tf.dispose([grid, prediction.mean, prediction.std, prediction.lower, prediction.upper]);
    tf.dispose([train.x, train.y]);
    model.dispose();
    trainer.optimizer.dispose(); // its moment estimates

    const width = (i: number) => hi![i]! - lo![i]!;
    const inside: number[] = [];
    const outside: number[] = [];
    xs!.forEach((x, i) => {
      if (Math.abs(x) <= 1) inside.push(width(i));
      else if (Math.abs(x) >= 2) outside.push(width(i));
    });
    const numbers = {
      intervalWidthInside: round(mean(inside)),
      intervalWidthOutside: round(mean(outside)),
      widthRatio: round(mean(outside) / mean(inside)),
      trainMse: round(history.history.loss!.at(-1)!),
    };
    log(
      `95% interval width: ${numbers.intervalWidthInside} on the data (|x| <= 1), ${numbers.intervalWidthOutside} off it (|x| >= 2), ratio ${numbers.widthRatio}`,
    );

    const chart = xyChart({
      id: 'predictive-interval',
      title: `MC-dropout prediction (${samples} passes, dropout 0.2)`,
      caption:
        'The grey band is the 95% interval of the passes; it is narrow where there was training data (x in [-1, 1]) and widens outside.',
      x: 'x',
      y: 'y',
      band: { name: '95% interval', points: Array.from(xs!, (x, i) => [x, lo![i]!, hi![i]!]) },
      series: [
        { name: 'training points', mark: 'point', points: Array.from(tx, (x, i) => [x, ty[i]!]) },
        { name: 'predictive mean', points: Array.from(xs!, (x, i) => [x, mu![i]!]) },
      ],
    });
    return {
      numbers,
      checks: [
        {
          claim: 'the interval is at least 1.5 times wider off the data (|x| >= 2) than on it',
          holds: numbers.widthRatio >= 1.5,
        },
      ],
      runs: [toRunRecord('dropout 0.2', history, { config: { dropout: 0.2, epochs, samples } })],
      charts: [chart],
    };
  },
};
