// `pnpm example NAME [--quick] [--backend wasm|cpu] [--out DIR]`, `pnpm example --list`.

import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { installKernels } from '@overfit/kernels';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { EXAMPLES, findExample } from './examples/index.js';
import { writeOutputs } from './lib/output.js';

// We say which backend runs; tfjs' "install the node backend" banner would only repeat it.
tf.env().set('PROD', true);

const USAGE = `usage: pnpm example NAME [--quick] [--backend wasm|cpu] [--out DIR]
       pnpm example --list`;

interface Args {
  list: boolean;
  name?: string;
  quick: boolean;
  backend: 'wasm' | 'cpu';
  out: string;
}

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  const args: Args = { list: false, quick: false, backend: 'wasm', out: 'out' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') continue; // pnpm passes it through on some versions
    if (arg === '--list') args.list = true;
    else if (arg === '--quick') args.quick = true;
    else if (arg === '--backend' || arg === '--out') {
      const value = argv[++i];
      if (value === undefined) fail(`${arg} needs a value`);
      if (arg === '--out') args.out = value;
      else if (value === 'wasm' || value === 'cpu') args.backend = value;
      else fail(`--backend must be wasm or cpu, got ${value}`);
    } else if (arg.startsWith('-')) fail(`unknown option ${arg}`);
    else if (args.name === undefined) args.name = arg;
    else fail(`one example at a time, got ${args.name} and ${arg}`);
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.list || args.name === undefined) {
    const width = Math.max(...EXAMPLES.map((e) => e.name.length));
    for (const e of EXAMPLES) console.log(`${e.name.padEnd(width)}  ${e.claim}`);
    if (!args.list) console.log(`\n${USAGE}`);
    return;
  }
  const example = findExample(args.name);
  if (!example) fail(`unknown example ${args.name}; pnpm example --list shows them`);

  if (!(await tf.setBackend(args.backend))) throw new Error(`backend ${args.backend} failed`);
  await tf.ready();
  // The faster (and, for conv training on wasm, missing) kernels of @overfit/kernels.
  installKernels();
  console.log(
    `${example.name} (seed ${example.seed}, ${args.quick ? 'quick' : 'full'}, backend ${args.backend})`,
  );
  console.log(`claim: ${example.claim}`);

  const start = performance.now();
  const progress = (line: string, done: boolean) => {
    // Redrawn in place on a terminal; when piped, only the finished line is printed.
    if (process.stdout.isTTY) process.stdout.write(`\r  ${line}${done ? '\n' : ''}`);
    else if (done) console.log(`  ${line}`);
  };
  const result = await example.run({
    quick: args.quick,
    log: (line) => console.log(`  ${line}`),
    progress,
  });
  const seconds = (performance.now() - start) / 1000;

  console.log('key numbers:');
  for (const [key, value] of Object.entries(result.numbers)) console.log(`  ${key}: ${value}`);
  for (const check of result.checks)
    console.log(`${check.holds ? 'holds' : 'DOES NOT HOLD'}: ${check.claim}`);
  const files = await writeOutputs(join(args.out, example.name), example, result, {
    quick: args.quick,
    backend: args.backend,
    seconds,
  });
  console.log(`wrote ${files.json} and ${files.html} (${seconds.toFixed(1)} s)`);
  if (result.checks.some((c) => !c.holds)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
