import { OverfitError } from '@overfit/core';
import { parseCommandLine, UsageError } from './args.js';
import { doctor } from './doctor.js';
import { train } from './train.js';
import { releaseWebGpu } from './webgpu.js';

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'sweep' || argv[0] === 'worker') {
    const { sweepMain } = await import('./sweep/main.js');
    return sweepMain(argv, {
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
    });
  }
  let command: ReturnType<typeof parseCommandLine>;
  try {
    command = parseCommandLine(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`overfit: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (command.kind === 'help') {
    process.stdout.write(`${command.text}\n`);
    return 0;
  }
  if (command.kind === 'doctor') return doctor((line) => process.stdout.write(`${line}\n`));
  try {
    await train(command.config, {
      out: (line) => process.stdout.write(`${line}\n`),
      err: process.stderr,
    });
    return 0;
  } catch (error) {
    if (error instanceof OverfitError) {
      process.stderr.write(`overfit: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

// process.exit: native and wasm backends can keep handles open after training ends. Dawn is
// released first, so its device is destroyed rather than torn down mid-flight.
main(process.argv.slice(2)).then(
  (code) => {
    releaseWebGpu();
    process.exit(code);
  },
  (error) => {
    process.stderr.write(
      `overfit: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
