import { OverfitError } from '@overfit/core';
import type { TrainConfig } from '../args.js';
import { type RunRecord, runConfiguration } from '../output/index.js';
import { setUpBackend } from '../setup.js';

export type { RunRecord } from '../output/index.js';

/** A run that stopped on a non-finite loss or gradient: the same seed stops the same way. */
export class NonFiniteRunError extends OverfitError {}

let backendOf: TrainConfig['backend'] | undefined;

/**
 * Trains one configuration in this process and returns its record: the seam every sweep mode
 * calls (`runConfiguration`, the same run as `overfit train`, its report off). The backend is
 * set up on the first run (and again only if a configuration asks for another one).
 * A run that stopped on a non-finite value is a failure, not a result.
 */
export async function runJob(config: TrainConfig, name: string): Promise<RunRecord> {
  if (backendOf !== config.backend) {
    await setUpBackend([config], () => {});
    backendOf = config.backend;
  }
  const { status, ...record } = await runConfiguration(
    { ...config, report: null },
    { name, io: { out: () => {} } },
  );
  if (status === 'non-finite')
    throw new NonFiniteRunError(record.stopReason ?? 'a non-finite value stopped training');
  return record;
}
