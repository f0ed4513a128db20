import * as tf from '@tensorflow/tfjs';
import type { Example, ExampleResult } from './types.js';

/**
 * Runs an example's quick setting the way `pnpm example NAME --quick` does and checks that it
 * leaves no tensor behind.
 */
export async function runQuick(example: Example): Promise<ExampleResult> {
  const before = tf.memory().numTensors;
  const result = await example.run({ quick: true, log: () => {} });
  const leaked = tf.memory().numTensors - before;
  if (leaked !== 0) throw new Error(`${example.name} leaked ${leaked} tensors`);
  // The report data must be plain JSON (it is written to result.json as is).
  JSON.parse(JSON.stringify(result));
  return result;
}
