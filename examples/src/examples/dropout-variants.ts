// The dropout family, each layer applied to a batch of ones so that what it does is visible:
// - inverted dropout (what frameworks do) divides kept units by 1 − p in training and is the
//   identity at inference; "standard" dropout (Srivastava et al.) keeps units as they are and
//   multiplies by 1 − p at inference. Both give inference = the training expectation;
// - SpatialDropout2D (PyTorch's Dropout2d) drops whole channels of a conv feature map;
// - DropConnect drops weights instead of activations;
// - DropBlock drops contiguous squares (neighbouring pixels are correlated in conv maps);
// - stochastic depth drops a whole residual branch per sample.
import {
  DropBlock2D,
  DropConnectDense,
  Dropout,
  SpatialDropout2D,
  StochasticDepth,
} from '@overfit/regularizers';
import * as tf from '@tensorflow/tfjs';
import { barChart, heatmapChart } from '../lib/charts.js';
import { round } from '../lib/runs.js';
import type { Example, ExampleResult } from '../lib/types.js';

const SEED = 1;

type Layer = { apply(x: tf.Tensor, kwargs: { training: boolean }): unknown };
const call = (layer: Layer, x: tf.Tensor, training: boolean) =>
  layer.apply(x, { training }) as tf.Tensor;

async function scalars(values: tf.Scalar[]): Promise<number[]> {
  const out = await Promise.all(values.map((v) => v.data()));
  tf.dispose(values);
  return out.map((v) => v[0]!);
}

/** Fraction of dropped (zero) pixels whose right-hand neighbour is dropped too. */
function neighbourDropped(y: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => {
    const zero = tf.cast(tf.equal(y, 0), 'float32');
    const w = y.shape[2];
    const left = zero.slice([0, 0, 0, 0], [-1, -1, w - 1, -1]);
    const right = zero.slice([0, 0, 1, 0], [-1, -1, w - 1, -1]);
    return tf.div(tf.sum(tf.mul(left, right)), tf.sum(left));
  });
}

export const dropoutVariants: Example = {
  name: 'dropout-variants',
  claim:
    'inverted vs standard dropout (scale in training vs at test), Dropout2d drops whole channels, DropConnect drops weights, DropBlock contiguous blocks, stochastic depth whole branches; each matches its inference output in expectation',
  seed: SEED,
  async run({ quick, log }): Promise<ExampleResult> {
    const n = quick ? 32 : 256;
    const p = 0.5;
    const dense = tf.ones([n, 256]);
    const maps = tf.ones([n, 16, 16, 8]) as tf.Tensor4D;

    // 1. Inverted vs standard dropout.
    const inverted = new Dropout({ rate: p, seed: SEED });
    const standard = new Dropout({ rate: p, seed: SEED, inverted: false });
    const [invTrain, invMax, invTest, stdTrain, stdMax, stdTest] = await scalars(
      tf.tidy(() => {
        const a = call(inverted, dense, true);
        const b = call(standard, dense, true);
        return [
          tf.mean(a),
          tf.max(a),
          tf.mean(call(inverted, dense, false)),
          tf.mean(b),
          tf.max(b),
          tf.mean(call(standard, dense, false)),
        ] as tf.Scalar[];
      }),
    );

    // 2. Dropout2d: a feature map (sample, channel) is either all kept or all zero.
    const spatial = new SpatialDropout2D({ rate: p, seed: SEED });
    const plain = new Dropout({ rate: p, seed: SEED });
    const mapsOut = tf.tidy(() => ({
      spatial: call(spatial, maps, true),
      plain: call(plain, maps, true),
    }));
    const [spatialWhole, spatialPartial, plainWhole] = await scalars(
      tf.tidy(() => {
        const perMap = (y: tf.Tensor) => tf.mean(tf.cast(tf.equal(y, 0), 'float32'), [1, 2]); // [n, C]
        const s = perMap(mapsOut.spatial);
        const d = perMap(mapsOut.plain);
        return [
          tf.mean(tf.cast(tf.equal(s, 1), 'float32')),
          tf.mean(tf.cast(tf.logicalAnd(tf.greater(s, 0), tf.less(s, 1)), 'float32')),
          tf.mean(tf.cast(tf.equal(d, 1), 'float32')),
        ] as tf.Scalar[];
      }),
    );

    // 3. DropConnect: a fresh weight mask per call; the mean output over many calls approaches
    //    the inference output x·W + b.
    const dropConnect = new DropConnectDense({ units: 8, rate: p, seed: SEED });
    const x = tf.randomNormal([1, 32], 0, 1, 'float32', SEED);
    const passes = quick ? 200 : 2000;
    const [dcError, dcSpread] = await scalars(
      tf.tidy(() => {
        const reference = call(dropConnect, x, false);
        const draws = tf.concat(Array.from({ length: passes }, () => call(dropConnect, x, true)));
        const meanOut = tf.mean(draws, 0, true);
        return [
          tf.div(tf.norm(tf.sub(meanOut, reference)), tf.norm(reference)),
          tf.div(tf.mean(tf.moments(draws, 0).variance.sqrt()), tf.mean(tf.abs(reference))),
        ] as tf.Scalar[];
      }),
    );

    // 4. DropBlock: about `rate` of the pixels dropped, in 3×3 blocks (a dropped pixel's
    //    neighbour is usually dropped too, unlike with plain dropout).
    const dropBlock = new DropBlock2D({ rate: 0.2, blockSize: 3, seed: SEED });
    const blockOut = tf.tidy(() => call(dropBlock, maps, true)) as tf.Tensor4D;
    const plain20 = new Dropout({ rate: 0.2, seed: SEED });
    const plain20Out = tf.tidy(() => call(plain20, maps, true)) as tf.Tensor4D;
    const [blockDropped, blockMean, blockNeighbour, plainNeighbour] = await scalars(
      tf.tidy(() => [
        tf.mean(tf.cast(tf.equal(blockOut, 0), 'float32')),
        tf.mean(blockOut),
        neighbourDropped(blockOut),
        neighbourDropped(plain20Out),
      ]) as tf.Scalar[],
    );

    // 5. Stochastic depth on a residual branch: whole samples' branches dropped.
    const depth = new StochasticDepth({ rate: 0.2, mode: 'row', seed: SEED });
    const [sdRowsDropped, sdPartial, sdMean, sdTest] = await scalars(
      tf.tidy(() => {
        const y = call(depth, dense, true);
        const zerosPerRow = tf.mean(tf.cast(tf.equal(y, 0), 'float32'), 1);
        return [
          tf.mean(tf.cast(tf.equal(zerosPerRow, 1), 'float32')),
          tf.mean(
            tf.cast(tf.logicalAnd(tf.greater(zerosPerRow, 0), tf.less(zerosPerRow, 1)), 'float32'),
          ),
          tf.mean(y),
          tf.mean(call(depth, dense, false)),
        ] as tf.Scalar[];
      }),
    );

    // Masks of the first sample for the report.
    const panel = async (name: string, y: tf.Tensor, channel: number) => {
      const slice = tf.tidy(() => y.slice([0, 0, 0, channel], [1, 16, 16, 1]).reshape([256]));
      const values = await slice.data();
      slice.dispose();
      return { name, rows: 16, cols: 16, values: Array.from(values, (v) => (v > 0 ? 1 : 0)) };
    };
    const panels = [
      await panel('Dropout 0.5', mapsOut.plain, 0),
      await panel('DropBlock 0.2 (3×3)', blockOut, 0),
      ...(await Promise.all(
        [0, 1, 2, 3].map((c) => panel(`Dropout2d, channel ${c + 1}`, mapsOut.spatial, c)),
      )),
    ];
    tf.dispose([dense, maps, x, mapsOut.spatial, mapsOut.plain, blockOut, plain20Out]);
    for (const layer of [
      inverted,
      standard,
      spatial,
      plain,
      dropConnect,
      dropBlock,
      plain20,
      depth,
    ])
      layer.dispose();

    const numbers = {
      invertedTrainMean: round(invTrain!),
      invertedKeptValue: round(invMax!),
      invertedInferenceMean: round(invTest!),
      standardTrainMean: round(stdTrain!),
      standardKeptValue: round(stdMax!),
      standardInferenceMean: round(stdTest!),
      spatialWholeMapsDropped: round(spatialWhole!),
      spatialPartialMaps: spatialPartial!,
      plainWholeMapsDropped: plainWhole!,
      dropConnectMeanError: round(dcError!),
      dropConnectSpread: round(dcSpread!),
      dropBlockDroppedFraction: round(blockDropped!),
      dropBlockMean: round(blockMean!),
      dropBlockNeighbourDropped: round(blockNeighbour!),
      plainNeighbourDropped: round(plainNeighbour!),
      stochasticDepthRowsDropped: round(sdRowsDropped!),
      stochasticDepthPartialRows: sdPartial!,
      stochasticDepthTrainMean: round(sdMean!),
      stochasticDepthInferenceMean: round(sdTest!),
    };
    log(
      `inverted: kept units x${numbers.invertedKeptValue} in training (mean ${numbers.invertedTrainMean}), ${numbers.invertedInferenceMean} at inference`,
    );
    log(
      `standard: kept units x${numbers.standardKeptValue} in training (mean ${numbers.standardTrainMean}), ${numbers.standardInferenceMean} at inference`,
    );
    log(
      `Dropout2d: ${numbers.spatialWholeMapsDropped} of the feature maps dropped whole, ${numbers.spatialPartialMaps} partly`,
    );
    log(
      `DropConnect: mean of ${passes} passes within ${numbers.dropConnectMeanError} (relative) of the inference output`,
    );
    log(
      `DropBlock: ${numbers.dropBlockDroppedFraction} dropped; P(neighbour dropped | dropped) ${numbers.dropBlockNeighbourDropped} vs ${numbers.plainNeighbourDropped} for dropout`,
    );
    log(`stochastic depth: ${numbers.stochasticDepthRowsDropped} of the samples' branches dropped`);

    const close = (a: number, b: number, tol: number) => Math.abs(a - b) < tol;
    return {
      numbers,
      checks: [
        {
          claim:
            'inverted: kept units x2 in training, identity at inference; standard: x1 in training, x0.5 at inference; both: inference = training mean',
          holds:
            close(numbers.invertedKeptValue, 2, 1e-6) &&
            close(numbers.invertedInferenceMean, 1, 1e-6) &&
            close(numbers.standardKeptValue, 1, 1e-6) &&
            close(numbers.standardInferenceMean, 0.5, 1e-6) &&
            close(numbers.invertedTrainMean, numbers.invertedInferenceMean, 0.03) &&
            close(numbers.standardTrainMean, numbers.standardInferenceMean, 0.02),
        },
        {
          claim:
            'Dropout2d drops about half of the feature maps whole and none partly (plain dropout: none whole)',
          holds:
            close(numbers.spatialWholeMapsDropped, 0.5, 0.1) &&
            numbers.spatialPartialMaps === 0 &&
            numbers.plainWholeMapsDropped === 0,
        },
        {
          claim:
            'DropConnect varies from pass to pass, and its mean approaches the inference output',
          holds: numbers.dropConnectSpread > 0.1 && numbers.dropConnectMeanError < 0.15,
        },
        {
          claim:
            'DropBlock drops about its rate, keeps the mean, and in blocks (neighbours of dropped pixels mostly dropped)',
          holds:
            close(numbers.dropBlockDroppedFraction, 0.2, 0.06) &&
            close(numbers.dropBlockMean, 1, 0.1) &&
            numbers.dropBlockNeighbourDropped > 2 * numbers.plainNeighbourDropped,
        },
        {
          claim:
            "stochastic depth drops whole samples' branches (about 20%), identity at inference",
          holds:
            close(numbers.stochasticDepthRowsDropped, 0.2, 0.1) &&
            numbers.stochasticDepthPartialRows === 0 &&
            numbers.stochasticDepthInferenceMean === 1,
        },
      ],
      charts: [
        heatmapChart({
          id: 'masks',
          title: 'What is dropped (one 16×16 feature map of the first sample; black = dropped)',
          caption:
            'Dropout: scattered pixels. DropBlock: 3×3 squares. Dropout2d: a channel is kept or dropped as a whole.',
          panels: panels.map((q) => ({ ...q, values: q.values.map((v) => 1 - v) })),
        }),
        barChart({
          id: 'train-vs-inference',
          title: 'Mean output on ones: training mode vs inference',
          caption:
            'Each variant is unbiased: its inference output equals its training-mode mean (standard dropout at 0.5, the others at 1).',
          x: 'layer',
          y: 'mean output',
          bars: [
            { category: 'inverted dropout', group: 'training', value: numbers.invertedTrainMean },
            {
              category: 'inverted dropout',
              group: 'inference',
              value: numbers.invertedInferenceMean,
            },
            { category: 'standard dropout', group: 'training', value: numbers.standardTrainMean },
            {
              category: 'standard dropout',
              group: 'inference',
              value: numbers.standardInferenceMean,
            },
            { category: 'DropBlock', group: 'training', value: numbers.dropBlockMean },
            { category: 'DropBlock', group: 'inference', value: 1 },
            {
              category: 'stochastic depth',
              group: 'training',
              value: numbers.stochasticDepthTrainMean,
            },
            {
              category: 'stochastic depth',
              group: 'inference',
              value: numbers.stochasticDepthInferenceMean,
            },
          ],
        }),
      ],
    };
  },
};
