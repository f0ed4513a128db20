import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CompareCommand, TrainConfig } from './args.js';
import { UsageError } from './args.js';
import {
  applyOverrides,
  COURSE_RUNS,
  type CompareRun,
  readCompareConfig,
} from './compare-config.js';
import type { Interrupts } from './interrupts.js';
import {
  describeData,
  loadDataset,
  metricsJson,
  prepareReportDir,
  type RunRecord,
  type RunsReport,
  recordProblem,
  summaryTable,
  writeRunsReport,
} from './output/index.js';
import { CompareProgress } from './progress.js';
import { type RunResult, runConfiguration } from './run/run-configuration.js';
import { checkConfigurations, setUpBackend } from './setup.js';
import type { CommandIO } from './train.js';

/** Config fields that do not change what a run computes (where it is written, how it is shown). */
const NOT_COMPARED = new Set(['report', 'backend']);

function sameConfig(a: unknown, b: unknown): boolean {
  const strip = (c: unknown) =>
    JSON.stringify(
      Object.fromEntries(
        Object.entries((c ?? {}) as Record<string, unknown>)
          .filter(([k]) => !NOT_COMPARED.has(k))
          .sort(([x], [y]) => x.localeCompare(y)),
      ),
    );
  return strip(a) === strip(b);
}

/**
 * Runs of DIR/metrics.json that finished, by name (`--resume DIR`). A run marked complete whose
 * record is broken (hand-edited, foreign) is left out with a warning: it runs again.
 */
async function completeRuns(
  dir: string,
  warn: (line: string) => void,
): Promise<Map<string, RunRecord>> {
  const file = join(dir, 'metrics.json');
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new UsageError(
      code === 'ENOENT'
        ? `--resume ${dir}: no metrics.json there (nothing to resume)`
        : `--resume ${dir}: ${file} is not a readable report (${code ?? (error as Error).message})`,
    );
  }
  const runs =
    json !== null && typeof json === 'object' ? (json as { runs?: unknown }).runs : undefined;
  if (!Array.isArray(runs)) throw new UsageError(`--resume ${dir}: ${file} has no "runs" list`);
  const complete = new Map<string, RunRecord>();
  for (const run of runs as unknown[]) {
    const marked = run as { name?: unknown; status?: unknown; partial?: unknown } | null;
    if (marked?.status !== 'complete' || marked.partial === true) continue;
    const problem = recordProblem(run);
    if (problem === undefined) complete.set((run as RunRecord).name, run as RunRecord);
    else
      warn(
        `warning: --resume: ${typeof marked.name === 'string' ? `configuration ${marked.name}` : 'a run'} in ${file} is not a usable record (${problem}); running it again`,
      );
  }
  return complete;
}

/**
 * `overfit compare`: several configurations on the same data, seed, initial weights, batch
 * order, topology and learning rate; the report is rewritten after each configuration (so a
 * crash keeps the finished ones) and at the end. Returns the exit code.
 */
export async function compareCommand(
  compare: CompareCommand,
  io: CommandIO & { json: (text: string) => void; final: (line: string) => void },
  interrupts: Interrupts,
): Promise<number> {
  const { base } = compare;
  const runs: readonly CompareRun[] =
    compare.runs ??
    (compare.configFile !== null ? await readCompareConfig(compare.configFile) : COURSE_RUNS);
  const configs = runs.map((run) => ({ name: run.name, config: applyOverrides(base, run) }));
  checkConfigurations(configs, io.warn);
  const resumed =
    compare.resume === null
      ? new Map<string, RunRecord>()
      : await completeRuns(compare.resume, io.warn);
  const dir = await prepareReportDir(base.report ?? 'overfit-compare');
  const results: (RunRecord | undefined)[] = configs.map(({ name, config }) => {
    const previous = resumed.get(name);
    if (previous === undefined) return undefined;
    if (!sameConfig(previous.config, config)) {
      io.warn(`warning: --resume: configuration ${name} ran with other settings; running it again`);
      return undefined;
    }
    return previous;
  });
  const skipped = results.filter(Boolean).length;
  if (skipped > 0)
    io.out(
      `resume: ${skipped} of ${configs.length} configurations already complete in ${compare.resume}`,
    );
  const backend = await setUpBackend(
    configs.map((c) => c.config),
    io.out,
  );
  const report = (partial: boolean): RunsReport => ({
    title: 'overfit compare',
    subtitle: describeCompare(base, backend),
    runs: results.filter((r): r is RunRecord => r !== undefined),
    partial,
    meta: { command: 'compare', backend, configurations: configs.map((c) => c.name) },
  });
  const todo = configs.filter((_, i) => results[i] === undefined).length;
  let failed = false;
  if (todo > 0) {
    const data = await loadDataset(base);
    const progress = compare.quiet ? undefined : new CompareProgress(io.err, todo, base.epochs);
    const out = (line: string) => {
      progress?.clear();
      io.out(line);
    };
    try {
      io.out(describeData(data));
      let k = 0;
      for (const [i, { name, config }] of configs.entries()) {
        if (results[i] !== undefined) continue;
        if (interrupts.signal.aborted) break;
        out(`configuration ${i + 1}/${configs.length}: ${name}`);
        const index = k++;
        const run: RunResult = await runConfiguration(config, {
          name,
          data,
          io: { out },
          signal: interrupts.signal,
          onProgress: (p) => progress?.update(index, name, p),
          interruptReason: () => `interrupted (${interrupts.signalName ?? 'signal'})`,
        });
        results[i] = run;
        if (run.status === 'non-finite') {
          failed = true;
          io.warn(`overfit: configuration ${name} stopped: ${run.stopReason}`);
        }
        // Rewritten after each configuration: a later crash or kill keeps this one.
        const unfinished = results.some((r) => r === undefined || r.partial);
        await writeRunsReport(dir, report(unfinished));
      }
    } finally {
      progress?.clear();
      data.dispose();
    }
  }
  const partial = results.some((r) => r === undefined || r.partial);
  const written = await writeRunsReport(dir, report(partial));
  const finished = report(partial).runs;
  io.final(summaryTable(finished));
  io.final(
    `report: ${[written.html, written.metrics, written.summary].filter(Boolean).join(', ')}`,
  );
  if (compare.json) io.json(metricsJson(report(partial)));
  if (interrupts.exitCode !== undefined) {
    const complete = finished.filter((r) => !r.partial).length;
    io.warn(
      `overfit: ${interrupts.signalName}: stopped with ${complete} of ${configs.length} configurations complete; partial report in ${dir} (resume with --resume ${dir})`,
    );
    return interrupts.exitCode;
  }
  return failed ? 1 : 0;
}

function describeCompare(base: TrainConfig, backend: string): string {
  const model =
    base.model === 'cnn' ? 'cnn' : `mlp 784-${Array(base.depth).fill(base.hidden).join('-')}-10`;
  return `${base.dataset}, ${model}, ${base.optimizer} lr ${base.lr}, batch ${base.batchSize}, ${base.epochs} epochs, seed ${base.seed}, backend ${backend}`;
}
