// Weight initialization decides whether a signal survives a deep net. With kernels drawn from
// N(0, 1) each ReLU layer multiplies the activations' scale by about sqrt(fanIn / 2) (they
// explode) and tanh units saturate at ±1; with a small N(0, 0.05²) the scale shrinks layer by
// layer. LeCun / Glorot (for tanh) and He (for ReLU) choose the variance that keeps it steady,
// and the net then also learns fastest in its first epochs.
import { captureActivations } from '@overfit/core';
import { type ActivationName, type InitializerName, mlp } from '@overfit/models';
import { Trainer } from '@overfit/training';
import * as tf from '@tensorflow/tfjs';
import { type Series, xyChart } from '../lib/charts.js';
import { round, toRunRecord } from '../lib/runs.js';
import type { Example, ExampleResult } from '../lib/types.js';

const SEED = 3;

interface Config {
  name: string;
  key: string;
  activation: ActivationName;
  /** A builder initializer, or 'standardNormal' for N(0, 1) set by hand. */
  init: InitializerName | 'standardNormal';
}

const CONFIGS: Config[] = [
  { name: 'N(0,1) + relu', key: 'normalRelu', activation: 'relu', init: 'standardNormal' },
  { name: 'N(0,0.05²) + relu', key: 'smallRelu', activation: 'relu', init: 'randomNormal' },
  { name: 'Glorot + relu', key: 'glorotRelu', activation: 'relu', init: 'glorotNormal' },
  { name: 'He + relu', key: 'heRelu', activation: 'relu', init: 'heNormal' },
  { name: 'N(0,1) + tanh', key: 'normalTanh', activation: 'tanh', init: 'standardNormal' },
  { name: 'LeCun + tanh', key: 'lecunTanh', activation: 'tanh', init: 'lecunNormal' },
  { name: 'Glorot + tanh', key: 'glorotTanh', activation: 'tanh', init: 'glorotNormal' },
];

function build(config: Config, depth: number, width: number, inputs: number) {
  const model = mlp({
    inputShape: [inputs],
    depth,
    width,
    outputUnits: 4,
    activation: config.activation,
    init: config.init === 'standardNormal' ? 'glorotNormal' : config.init,
    seed: SEED,
  });
  if (config.init === 'standardNormal') {
    // The naive init: every kernel from N(0, 1) (biases stay 0).
    model.layers.forEach((layer, i) => {
      const weights = layer.getWeights();
      if (weights.length !== 2) return;
      const kernel = tf.randomNormal(weights[0]!.shape, 0, 1, 'float32', SEED * 100 + i);
      layer.setWeights([kernel, weights[1]!]);
      kernel.dispose();
    });
  }
  return model;
}

/** Standard deviation of each hidden activation, and the fraction of saturated tanh units. */
async function activationScales(model: tf.LayersModel, depth: number, x: tf.Tensor) {
  const names = Array.from({ length: depth }, (_, i) => `hidden_${i + 1}_activation`);
  const acts = captureActivations(model, x, { layers: names });
  const stats = tf.tidy(() =>
    names.map((n) => {
      const a = acts[n]!;
      return tf.stack([
        tf.moments(a).variance.sqrt(),
        tf.mean(tf.cast(tf.greater(tf.abs(a), 0.99), 'float32')),
      ]);
    }),
  );
  const values = await Promise.all(stats.map((s) => s.data()));
  tf.dispose([...stats, ...Object.values(acts)]);
  return { std: values.map((v) => v[0]!), saturated: values.map((v) => v[1]!) };
}

export const initialization: Example = {
  name: 'initialization',
  claim:
    'N(0,1) makes activations explode (relu) or saturate (tanh), N(0,0.05²) makes them vanish; LeCun/Glorot/He keep their scale per layer and learn fastest in the first epochs',
  seed: SEED,
  async run({ quick, log }): Promise<ExampleResult> {
    const depth = quick ? 6 : 10;
    const width = quick ? 64 : 256;
    const inputs = 32;
    const samples = quick ? 512 : 2048;
    const epochs = quick ? 2 : 3;
    // A teacher task: 4 classes from a random linear map of standard-normal inputs.
    const data = tf.tidy(() => {
      const x = tf.randomNormal([samples, inputs], 0, 1, 'float32', SEED);
      const teacher = tf.randomNormal([inputs, 4], 0, 1, 'float32', SEED + 1);
      return { x, y: tf.cast(tf.argMax(tf.matMul(x, teacher), 1), 'int32') };
    });
    const probe = data.x.slice([0, 0], [256, inputs]); // 256 samples to measure on

    const numbers: Record<string, number> = {};
    const scaleSeries: Series[] = [];
    const runs = [];
    for (const config of CONFIGS) {
      const model = build(config, depth, width, inputs);
      const { std, saturated } = await activationScales(model, depth, probe);
      scaleSeries.push({ name: config.name, points: std.map((s, i) => [i + 1, s]) });
      numbers[`std1_${config.key}`] = round(std[0]!);
      numbers[`stdLast_${config.key}`] = round(std[depth - 1]!);
      numbers[`growth_${config.key}`] = round(std[depth - 1]! / std[0]!);
      if (config.activation === 'tanh')
        numbers[`saturatedLast_${config.key}`] = round(saturated[depth - 1]!);

      const trainer = new Trainer({ model, optimizer: tf.train.adam(1e-3), seed: SEED });
      const history = await trainer.fit(data, { epochs, batchSize: 64, validationData: data });
      numbers[`lossEpoch1_${config.key}`] = round(history.history.valLoss![0]!);
      numbers[`accuracyLast_${config.key}`] = round(history.history.valAccuracy!.at(-1)!);
      runs.push(toRunRecord(config.name, history, { config: { ...config, depth, width } }));
      log(
        `${config.name.padEnd(18)} activation std layer 1 ${std[0]!.toPrecision(3)}, layer ${depth} ${std[depth - 1]!.toPrecision(3)}; loss after epoch 1 ${history.history.valLoss![0]!.toPrecision(3)}`,
      );
      model.dispose();
      trainer.optimizer.dispose(); // its moment estimates
    }
    tf.dispose([data.x, data.y, probe]);

    const n = numbers;
    return {
      numbers,
      checks: [
        {
          claim: 'N(0,1) + relu: activation scale grows over 100x through the net',
          holds: n.growth_normalRelu! > 100,
        },
        { claim: 'N(0,0.05²) + relu: it shrinks below 1/100', holds: n.growth_smallRelu! < 0.01 },
        {
          claim: 'He + relu, LeCun + tanh: it stays within a factor 3',
          holds: [n.growth_heRelu!, n.growth_lecunTanh!].every((g) => g > 1 / 3 && g < 3),
        },
        {
          claim: 'N(0,1) + tanh: most units of the last layer are saturated (|a| > 0.99)',
          holds: n.saturatedLast_normalTanh! > 0.5,
        },
        {
          claim:
            'He + relu has a lower loss after the first epoch than N(0,1) + relu and N(0,0.05²) + relu',
          holds:
            n.lossEpoch1_heRelu! < n.lossEpoch1_normalRelu! &&
            n.lossEpoch1_heRelu! < n.lossEpoch1_smallRelu!,
        },
      ],
      runs,
      charts: [
        xyChart({
          id: 'activation-scale',
          title: `Activation std per layer at initialization (depth ${depth}, width ${width})`,
          caption:
            'A flat line is a healthy init. N(0,1) + relu climbs by ~sqrt(width/2) per layer, N(0,0.05²) and Glorot + relu shrink; He (relu) and LeCun / Glorot (tanh) stay level.',
          x: 'hidden layer',
          y: 'std of activations',
          logY: true,
          series: scaleSeries,
        }),
      ],
    };
  },
};
