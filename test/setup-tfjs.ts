// Test-only: the union package registers the cpu backend, every gradient and the chained ops;
// packages themselves import nothing but tfjs-core / tfjs-layers.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

const backend = process.env.OVERFIT_TEST_BACKEND ?? 'cpu';
if (!(await tf.setBackend(backend)))
  throw new Error(`test backend ${backend} failed to initialize`);
await tf.ready();
