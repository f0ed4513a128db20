import { type BackendChoice, describeBackendChoice } from '@overfit/core';
import type { TrainConfig } from './args.js';
import { chooseBackend, describeBackendDetails, installFastKernels } from './backend.js';
import { ProgressBar } from './progress.js';
import { type RunResult, runConfiguration } from './run/run-configuration.js';

export interface TrainIO {
  out: (line: string) => void;
  err: NodeJS.WriteStream;
}

/** `overfit train`: one configuration (data → model → Trainer → validation → test → report). */
export async function train(
  config: TrainConfig,
  io: TrainIO,
): Promise<RunResult & { backend: string }> {
  const choice: BackendChoice = await chooseBackend(config.backend);
  io.out(describeBackendChoice(choice));
  for (const line of describeBackendDetails(choice)) io.out(line);
  io.out(installFastKernels(choice.name));
  const progress = new ProgressBar(io.err);
  const run = await runConfiguration(config, {
    io,
    onProgress: (p) => progress.update(p.epoch + 1, p.epochs, p.batch + 1, p.batches),
  });
  return { ...run, backend: choice.name };
}
