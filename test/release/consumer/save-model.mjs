// Saves a model that uses our layers, regularizer and constraint (unbundled: plain npm install),
// with the predictions the bundled app must reproduce after loading it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Dropout, GaussianDropout, l2, maxNorm } from '@overfit/regularizers';
import * as tf from '@tensorflow/tfjs';

const model = tf.sequential();
model.add(
  tf.layers.dense({
    inputShape: [4],
    units: 8,
    activation: 'relu',
    kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
    kernelRegularizer: l2(0.01),
    kernelConstraint: maxNorm({ maxValue: 3 }),
  }),
);
model.add(new Dropout({ rate: 0.3, seed: 2 }));
model.add(new GaussianDropout({ rate: 0.2, seed: 3 }));
model.add(
  tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
);

mkdirSync('model', { recursive: true });
await model.save(
  tf.io.withSaveHandler(async (artifacts) => {
    writeFileSync(
      'model/model.json',
      JSON.stringify({
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      }),
    );
    writeFileSync('model/weights.bin', Buffer.from(artifacts.weightData));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }),
);
const input = tf.tensor2d([[0.5, -1, 2, 0.25]]);
writeFileSync(
  'model/expected.json',
  JSON.stringify({
    classNames: model.layers.map((layer) => layer.getClassName()),
    prediction: Array.from(model.predict(input).dataSync()),
  }),
);
