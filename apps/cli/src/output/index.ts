// Shared by `overfit train`, `overfit compare` and `overfit sweep`: where reports go and how
// they are written, and one training run as a RunRecord.
//
//   const dir = await prepareReportDir(config.report);         // before any data is loaded
//   const data = await loadDataset(config);                    // once, shared by the runs
//   const run = await runConfiguration(config, { data, signal, onProgress, io });
//   await writeRunsReport(dir, { title, runs: [run], partial: run.partial ?? false });
//   data.dispose();
export {
  describeData,
  FASHION_MNIST_HINT,
  findDatasets,
  loadDataset,
  type PreparedData,
} from '../run/data.js';
export {
  describeConfig,
  formatRunEpoch,
  type RunConfigurationOptions,
  type RunIO,
  type RunResult,
  type RunStatus,
  runConfiguration,
  TRAIN_EVAL_SAMPLES,
} from '../run/run-configuration.js';
export { writeFileAtomic } from './atomic.js';
export { describeFsError, FileWriteError, ReportDirectoryError } from './errors.js';
export { isRunRecord, recordProblem } from './record-check.js';
export { prepareReportDir } from './report-dir.js';
export {
  metricsJson,
  type RunsReport,
  type WrittenReport,
  writeRunsReport,
} from './runs-report.js';
export {
  SUMMARY_COLUMNS,
  type SummaryRow,
  summaryCsv,
  summaryRows,
  summaryTable,
} from './summary.js';
export type { RunEpoch, RunRecord } from './types.js';
