import type { TrainConfig } from './args.js';
import type { Interrupts } from './interrupts.js';
import { prepareReportDir, writeRunsReport } from './output/index.js';
import { ProgressBar } from './progress.js';
import { type RunResult, runConfiguration } from './run/run-configuration.js';
import { checkConfigurations, setUpBackend } from './setup.js';

export interface CommandIO {
  /** Lines of the run's log. */
  out: (line: string) => void;
  /** Warnings and the closing line of an interrupted or failed run. */
  warn: (line: string) => void;
  /** Where progress bars are drawn. */
  err: NodeJS.WriteStream;
}

/**
 * `overfit train`: checks (report directory included) before anything is loaded, then one
 * configuration; the report is written also when the run was interrupted or stopped on a
 * non-finite value. Returns the exit code.
 */
export async function trainCommand(
  config: TrainConfig,
  io: CommandIO,
  interrupts: Interrupts,
): Promise<{ code: number; run: RunResult | undefined }> {
  checkConfigurations([{ config }], io.warn);
  const dir = config.report === null ? null : await prepareReportDir(config.report);
  const backend = await setUpBackend([config], io.out);
  const progress = new ProgressBar(io.err);
  const run = await runConfiguration(config, {
    io,
    signal: interrupts.signal,
    onProgress: (p) => progress.update(p.epoch + 1, p.epochs, p.batch + 1, p.batches),
    interruptReason: () => `interrupted (${interrupts.signalName ?? 'signal'})`,
  });
  const where = dir === null ? '' : `; report in ${dir}`;
  if (dir !== null) {
    const written = await writeRunsReport(dir, {
      title: `overfit train: ${run.name}`,
      subtitle: `${config.dataset}, ${config.model}, ${run.epochs.length} epochs, backend ${backend}`,
      runs: [run],
      partial: run.partial ?? false,
      meta: { command: 'train', backend },
    });
    io.out(
      `report: ${[written.html, written.metrics, written.summary].filter(Boolean).join(', ')}`,
    );
  }
  const finished = `${run.epochs.length} of ${config.epochs} epochs`;
  if (interrupts.exitCode !== undefined) {
    io.warn(
      `overfit: ${interrupts.signalName}: stopped after ${finished}${dir === null ? ' (no --report, nothing saved)' : where} (partial)`,
    );
    return { code: interrupts.exitCode, run };
  }
  if (run.status === 'non-finite') {
    io.warn(`overfit: training stopped after ${finished}: ${run.stopReason}${where}`);
    return { code: 1, run };
  }
  return { code: 0, run };
}
