import type { EarlyStoppingResult } from '@overfit/early-stopping';

/**
 * The early-stopping outcome with 1-based epochs, as every other line the CLI prints
 * (`EarlyStopping.result()` counts epochs from 0, like the callback protocol).
 */
export function describeEarlyStopping(result: EarlyStoppingResult): string {
  const best =
    result.bestEpoch === null
      ? 'no finite value was seen'
      : `best ${result.monitor} ${result.bestValue} at epoch ${result.bestEpoch + 1}`;
  const stopped =
    result.stoppedEpoch === null
      ? 'ran every epoch'
      : `stopped after epoch ${result.stoppedEpoch + 1} (${result.stopReason})`;
  return `early stopping: ${stopped}; ${best}${result.restoredBestWeights ? '; best weights restored' : ''}`;
}
