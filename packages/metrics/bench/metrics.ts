// Cost of the metrics a training loop calls, per backend:
//   - ConfusionMatrix.update on a validation batch (128 x 10 logits), no read, and compute();
//   - f1Score on 10k samples from host arrays and from tensors;
//   - l2Norms / globalNorm over the gradients of the reference MLP (784-256-256-256-10);
//   - distributionSummary of a 784x256 tensor (one read + host sort).
//
//   pnpm bench [-- --reps 5 --backends cpu,wasm]
//
// Bench code, not library code: it picks backends.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  ConfusionMatrix,
  distributionSummary,
  f1Score,
  globalNorm,
  l2Norms,
} from '../src/index.js';

function parseArgs(argv: string[]): { reps: number; backends: string[] } {
  const args = { reps: 5, backends: ['cpu', 'wasm'] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--reps') args.reps = Number(argv[++i]);
    else if (argv[i] === '--backends') args.backends = argv[++i]!.split(',');
  }
  return args;
}

/** Median wall time of `reps` runs in ms, after one warm-up run. */
async function time(reps: number, run: () => Promise<void> | void): Promise<number> {
  await run();
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

async function benchBackend(backend: string, reps: number): Promise<[string, string, string][]> {
  await tf.setBackend(backend);
  await tf.ready();
  const rows: [string, string, string][] = [];
  const add = (name: string, ms: number, unit: string) => rows.push([name, ms.toFixed(3), unit]);

  const batches = 50;
  const labels = tf.randomUniform([batches, 128], 0, 10, 'int32', 1);
  const logits = tf.randomNormal([batches, 128, 10], 0, 1, 'float32', 2);
  const parts = Array.from({ length: batches }, (_, b) => [
    tf.reshape(tf.slice(labels, [b, 0], [1, 128]), [128]),
    tf.reshape(tf.slice(logits, [b, 0, 0], [1, 128, 10]), [128, 10]),
  ]);
  const cm = new ConfusionMatrix({ numClasses: 10 });
  const update = await time(reps, async () => {
    for (const [t, p] of parts) cm.update(t!, p!);
    await cm.compute(); // one read: waits for the queued work, so the time is real
  });
  add('ConfusionMatrix: 50 x update(128 x 10) + compute', update, 'ms');
  add('  per update (incl. share of the read)', update / batches, 'ms');
  cm.dispose();

  const n = 10_000;
  const yTrue = tf.randomUniform([n], 0, 10, 'int32', 3);
  const yPred = tf.randomUniform([n], 0, 10, 'int32', 4);
  const hostTrue = Array.from(await yTrue.data());
  const hostPred = Array.from(await yPred.data());
  add(
    'f1Score, 10k ids, host arrays',
    await time(reps, () => f1Score(hostTrue, hostPred, { numClasses: 10 }).then(() => {})),
    'ms',
  );
  add(
    'f1Score, 10k ids, tensors',
    await time(reps, () => f1Score(yTrue, yPred, { numClasses: 10 }).then(() => {})),
    'ms',
  );

  const shapes = [[784, 256], [256], [256, 256], [256], [256, 256], [256], [256, 10], [10]];
  const grads = shapes.map((s, i) => tf.randomNormal(s, 0, 1e-2, 'float32', 10 + i));
  add(
    'l2Norms(MLP grads) + read',
    await time(reps, async () => {
      const norms = l2Norms(grads);
      await norms.data();
      norms.dispose();
    }),
    'ms',
  );
  add(
    'globalNorm(MLP grads) + read',
    await time(reps, async () => {
      const g = globalNorm(grads);
      await g.data();
      g.dispose();
    }),
    'ms',
  );
  add(
    'distributionSummary(784 x 256)',
    await time(reps, () => distributionSummary(grads[0]!).then(() => {})),
    'ms',
  );

  tf.dispose([labels, logits, ...parts.flat(), yTrue, yPred, ...grads]);
  return rows;
}

const args = parseArgs(process.argv.slice(2));
const table: string[][] = [['backend', 'what', 'median', 'unit']];
for (const backend of args.backends) {
  for (const [name, value, unit] of await benchBackend(backend, args.reps))
    table.push([backend, name, value, unit]);
}
const widths = table[0]!.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
for (const row of table)
  console.log(
    row
      .map((cell, c) => (c === 2 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  '),
  );
