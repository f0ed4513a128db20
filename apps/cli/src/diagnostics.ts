import type { History, TrainerArgs } from '@overfit/training';
import type { TrainConfig } from './args.js';
import type { RunEpoch } from './output/types.js';

/** Trainer options for `--clip-norm`, `--clip-value` and diagnostics (on unless `--no-diagnostics`). */
export function gradientOptions(config: TrainConfig): Pick<TrainerArgs, 'clip' | 'diagnostics'> {
  const clip =
    config.clipNorm === null && config.clipValue === null
      ? undefined
      : {
          ...(config.clipNorm === null ? {} : { globalNorm: config.clipNorm }),
          ...(config.clipValue === null ? {} : { value: config.clipValue }),
        };
  return {
    ...(clip ? { clip } : {}),
    ...(config.diagnostics
      ? { diagnostics: { gradientNorms: { every: 50 }, distributions: true } }
      : {}),
  };
}

const fixed = (value: number | undefined) => (value === undefined ? 'n/a' : value.toExponential(2));

/** Copies each epoch's diagnostics into the report and prints per-layer gradient norms. */
export function attachDiagnostics(
  epochs: RunEpoch[],
  history: History,
  io: { out: (line: string) => void },
): void {
  history.epochs.forEach((log, index) => {
    const record = epochs[index];
    if (!record || !log.diagnostics) return;
    record.diagnostics = log.diagnostics;
    const norms = log.diagnostics.gradientNorms;
    if (!norms) return;
    const layers = Object.entries(norms.perLayer)
      .map(([layer, stats]) => `${layer} ${fixed(stats.mean)}`)
      .join('  ');
    const health = log.diagnostics.health;
    const flags = health
      ? [health.vanishing ? 'VANISHING' : '', health.exploding ? 'EXPLODING' : '']
          .filter(Boolean)
          .join(' ')
      : '';
    io.out(
      `epoch ${record.epoch} gradient norms (mean): global ${fixed(norms.global.mean)}  ${layers}${flags ? `  ${flags}` : ''}`,
    );
  });
}
