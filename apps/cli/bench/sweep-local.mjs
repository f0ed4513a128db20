// `pnpm --filter @overfit/cli bench:sweep`: wall time of a local sweep of 4 configurations on
// 2 training processes against the same 4 one after another (4 `overfit train` runs, and a sweep
// on 1 process). Runs the built CLI (`pnpm turbo run build --filter=@overfit/cli...` first).
//
//   node bench/sweep-local.mjs [--limit 6000] [--epochs 1] [--reps 1] [--json out.json]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    limit: { type: 'string', default: '6000' },
    epochs: { type: 'string', default: '1' },
    reps: { type: 'string', default: '1' },
    json: { type: 'string' },
  },
});
const cli = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const shared = [
  '--epochs',
  values.epochs,
  '--limit',
  values.limit,
  '--hidden',
  '128',
  '--depth',
  '2',
];
shared.push('--no-diagnostics', '--backend', 'wasm');
const points = [
  ['--l2', '0', '--dropout', '0'],
  ['--l2', '0', '--dropout', '0.15'],
  ['--l2', '0.001', '--dropout', '0'],
  ['--l2', '0.001', '--dropout', '0.15'],
];
const grid = 'l2=0,0.001;dropout=0,0.15';

function timed(args) {
  const start = performance.now();
  const run = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  const seconds = (performance.now() - start) / 1000;
  if (run.status !== 0) throw new Error(`overfit ${args.join(' ')} failed:\n${run.stderr}`);
  return seconds;
}

const loadBefore = loadavg()[0];
const dir = mkdtempSync(join(tmpdir(), 'overfit-bench-sweep-'));
const variants = {
  'overfit train x4, one after another': () =>
    points.reduce((s, point) => s + timed(['train', ...shared, ...point]), 0),
  'overfit sweep --workers 1': (rep) =>
    timed([
      'sweep',
      '--grid',
      grid,
      ...shared,
      '--workers',
      '1',
      '--report',
      join(dir, `w1-${rep}`),
    ]),
  'overfit sweep --workers 2': (rep) =>
    timed([
      'sweep',
      '--grid',
      grid,
      ...shared,
      '--workers',
      '2',
      '--report',
      join(dir, `w2-${rep}`),
    ]),
};
// Variants interleaved per repetition (A B C A B C ...), so a load change on a shared machine
// hits them alike; the best of the repetitions is reported.
const times = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
try {
  for (let rep = 0; rep < Number(values.reps); rep++)
    for (const [name, run] of Object.entries(variants)) times[name].push(run(rep));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const rows = Object.entries(times).map(([variant, seconds]) => ({
  variant,
  seconds: Math.min(...seconds),
  all: seconds,
}));
const sequential = rows[0].seconds;
console.log(
  `4 configurations (${grid}), ${values.epochs} epoch(s) on ${values.limit} MNIST images, ` +
    `MLP 784-128-128-10, wasm; ${availableParallelism()} cores, load average ${loadBefore.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after (a busy machine flattens the speed-up)`,
);
console.log('| variant | wall s (best) | all runs (s) | speed-up vs train x4 |');
console.log('|---|---:|---|---:|');
for (const row of rows)
  console.log(
    `| ${row.variant} | ${row.seconds.toFixed(1)} | ${row.all.map((t) => t.toFixed(1)).join(', ')} | ${(sequential / row.seconds).toFixed(2)}x |`,
  );
if (values.json)
  writeFileSync(values.json, `${JSON.stringify({ rows, loadavg: loadavg() }, null, 2)}\n`);
