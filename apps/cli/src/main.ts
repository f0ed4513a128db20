import { createRequire } from 'node:module';
import { OverfitError } from '@overfit/core';
import { parseCommandLine, UsageError } from './args.js';
import { compareCommand } from './compare.js';
import { CompareConfigError } from './compare-config.js';
import { doctor } from './doctor.js';
import { Interrupts } from './interrupts.js';
import { ReportDirectoryError } from './output/index.js';
import { trainCommand } from './train.js';
import { releaseWebGpu } from './webgpu.js';

const line = (stream: NodeJS.WriteStream) => (text: string) => stream.write(`${text}\n`);

/** Refusals before anything ran (bad flags, configurations, report directory): exit code 2. */
function refusalLines(error: unknown): string[] | undefined {
  if (error instanceof UsageError || error instanceof CompareConfigError) return error.problems;
  if (error instanceof ReportDirectoryError) return [error.message];
  return undefined;
}

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
    const lines = refusalLines(error);
    if (lines === undefined) throw error;
    for (const l of lines) process.stderr.write(`overfit: ${l}\n`);
    return 2;
  }
  if (command.kind === 'help') {
    process.stdout.write(`${command.text}\n`);
    return 0;
  }
  if (command.kind === 'version') {
    // dist/main.js and src/main.ts both sit one level below the package.
    const { name, version } = createRequire(import.meta.url)('../package.json');
    process.stdout.write(`overfit ${version} (${name}, node ${process.version})\n`);
    return 0;
  }
  if (command.kind === 'doctor') return doctor(line(process.stdout));
  const interrupts = new Interrupts().install();
  try {
    if (command.kind === 'train') {
      const { code } = await trainCommand(
        command.config,
        { out: line(process.stdout), warn: line(process.stderr), err: process.stderr },
        interrupts,
      );
      return code;
    }
    const { quiet, json } = command.compare;
    // With --json, stdout holds the JSON alone.
    const log = json ? line(process.stderr) : line(process.stdout);
    return await compareCommand(
      command.compare,
      {
        out: quiet ? () => undefined : log,
        warn: line(process.stderr),
        err: process.stderr,
        json: (text) => process.stdout.write(text),
        final: log,
      },
      interrupts,
    );
  } catch (error) {
    const lines = refusalLines(error);
    if (lines !== undefined) {
      for (const l of lines) process.stderr.write(`overfit: ${l}\n`);
      return 2;
    }
    if (error instanceof OverfitError) {
      process.stderr.write(`overfit: ${error.message.split('\n')[0]}\n`);
      return 1;
    }
    throw error;
  } finally {
    interrupts.dispose();
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
