// The app that gets bundled: it imports our packages only for their registrations (bare
// imports), then loads the saved model. If a bundler dropped those imports, loading fails with
// "Unknown layer: OverfitDropout". (@overfit/core registers nothing itself since the seeded
// Dropout moved to regularizers; regularizers brings it in.)
import '@overfit/regularizers';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';

const saved = JSON.parse(readFileSync('model/model.json', 'utf8'));
const expected = JSON.parse(readFileSync('model/expected.json', 'utf8'));
const bytes = readFileSync('model/weights.bin');
const model = await tf.loadLayersModel(
  tf.io.fromMemory({
    modelTopology: saved.modelTopology,
    weightSpecs: saved.weightsManifest[0].weights,
    weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
  }),
);
const classNames = model.layers.map((layer) => layer.getClassName());
if (JSON.stringify(classNames) !== JSON.stringify(expected.classNames)) {
  throw new Error(`loaded layers ${classNames} != saved ${expected.classNames}`);
}
const regularizer = model.layers[0].kernelRegularizer?.getClassName();
const constraint = model.layers[0].kernelConstraint?.getClassName();
if (regularizer !== 'OverfitL1L2' || constraint !== 'OverfitMaxNorm') {
  throw new Error(`loaded regularizer ${regularizer} / constraint ${constraint}`);
}
const prediction = model.predict(tf.tensor2d([[0.5, -1, 2, 0.25]])).dataSync();
prediction.forEach((value, i) => {
  if (Math.abs(value - expected.prediction[i]) > 1e-6)
    throw new Error(`prediction ${i}: ${value} != ${expected.prediction[i]}`);
});
console.log(`loaded ${classNames.join(', ')}`);
