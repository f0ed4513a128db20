// Backpropagation multiplies one factor per layer: the activation's slope times the weights.
// Sigmoid's slope is at most 0.25, so in a deep sigmoid net the gradient reaching the first
// layers is orders of magnitude smaller than at the output (they barely learn). ReLU (slope 1
// where active) with He initialization keeps the per-layer gradient norms of the same order.
import { mlp } from '@overfit/models';
import { Trainer } from '@overfit/training';
import * as tf from '@tensorflow/tfjs';
import { type Series, xyChart } from '../lib/charts.js';
import { round, toRunRecord } from '../lib/runs.js';
import type { Example, ExampleResult } from '../lib/types.js';

const DATA_SEED = 0;
const MODEL_SEED = 2;

export const vanishingGradients: Example = {
  name: 'vanishing-gradients',
  claim:
    'in a deep sigmoid net the first layer gets a gradient orders of magnitude smaller than the last; with ReLU + He the per-layer gradient norms stay of one order',
  seed: MODEL_SEED,
  async run({ quick, log }): Promise<ExampleResult> {
    const depth = quick ? 8 : 12;
    const width = quick ? 64 : 128;
    const samples = quick ? 1024 : 4096;
    const epochs = quick ? 2 : 3;
    const data = tf.tidy(() => {
      const x = tf.randomNormal([samples, 32], 0, 1, 'float32', DATA_SEED);
      const teacher = tf.randomNormal([32, 4], 0, 1, 'float32', DATA_SEED + 1);
      return { x, y: tf.cast(tf.argMax(tf.matMul(x, teacher), 1), 'int32') };
    });

    const numbers: Record<string, number> = {};
    const profiles: Series[] = [];
    const runs = [];
    const nets = [
      { name: 'sigmoid + Glorot', key: 'sigmoid', activation: 'sigmoid', init: 'glorotUniform' },
      { name: 'relu + He', key: 'relu', activation: 'relu', init: 'heNormal' },
    ] as const;
    for (const net of nets) {
      const model = mlp({
        inputShape: [32],
        depth,
        width,
        outputUnits: 4,
        activation: net.activation,
        init: net.init,
        seed: MODEL_SEED,
      });
      const trainer = new Trainer({
        model,
        optimizer: tf.train.sgd(0.1),
        seed: MODEL_SEED,
        // Per-layer L2 norms of the raw gradients, read every 8 steps.
        diagnostics: { gradientNorms: { every: 8 } },
      });
      const history = await trainer.fit(data, { epochs, batchSize: 64 });
      // Mean per-layer norms over the first epoch, input side first.
      const perLayer = history.epochs[0]!.diagnostics!.gradientNorms!.perLayer;
      const layers = [...Array.from({ length: depth }, (_, i) => `hidden_${i + 1}`), 'output'];
      const norms = layers.map((l) => perLayer[l]!.mean);
      profiles.push({ name: net.name, points: norms.map((v, i) => [i + 1, v]) });
      numbers[`firstLayerGradNorm_${net.key}`] = round(norms[0]!);
      numbers[`lastLayerGradNorm_${net.key}`] = round(norms[depth]!);
      numbers[`firstToLastRatio_${net.key}`] = round(norms[0]! / norms[depth]!);
      numbers[`finalLoss_${net.key}`] = round(history.history.loss!.at(-1)!);
      log(
        `${net.name}: gradient norm layer 1 ${norms[0]!.toExponential(2)}, output ${norms[depth]!.toExponential(2)} (ratio ${(norms[0]! / norms[depth]!).toExponential(2)}); health ${JSON.stringify(history.epochs[0]!.diagnostics!.health?.vanishing)}`,
      );
      runs.push(
        toRunRecord(net.name, history, {
          config: { depth, width, ...net, optimizer: 'sgd(0.1)' },
          summary: { firstGradNorm: norms[0]!, lastGradNorm: norms[depth]! },
        }),
      );
      model.dispose();
      trainer.optimizer.dispose();
    }
    tf.dispose([data.x, data.y]);

    return {
      numbers,
      checks: [
        {
          claim: "sigmoid: the first layer gets under 1/100 of the output layer's gradient norm",
          holds: numbers.firstToLastRatio_sigmoid! < 0.01,
        },
        {
          claim: 'relu + He: first and last layer within a factor 10',
          holds: numbers.firstToLastRatio_relu! > 0.1 && numbers.firstToLastRatio_relu! < 10,
        },
      ],
      runs,
      charts: [
        xyChart({
          id: 'gradient-profile',
          title: `Mean gradient norm per layer, epoch 1 (depth ${depth}, width ${width})`,
          caption:
            "Input side on the left. The sigmoid net's line falls steeply toward layer 1: each sigmoid layer scales the backward signal by at most 0.25.",
          x: 'layer (1 = first hidden, last = output)',
          y: 'gradient L2 norm',
          logY: true,
          series: profiles,
        }),
      ],
    };
  },
};
