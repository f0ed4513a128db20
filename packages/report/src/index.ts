export { CHART_HEIGHT, CHART_WIDTH, chartSpec } from './charts/base.js';
export {
  type ConfusionMatrixChartOptions,
  confusionMatrixChart,
} from './charts/confusion-matrix.js';
export {
  accuracyChart,
  f1Chart,
  gapChart,
  generalizationGap,
  type LossChartOptions,
  lossChart,
  penaltyChart,
  trainDataLoss,
} from './charts/curves.js';
export {
  type DistributionChartOptions,
  type DistributionLayer,
  distributionChart,
  distributionLayers,
} from './charts/distribution.js';
export { type GradientNormChartOptions, gradientNormChart } from './charts/gradient-norms.js';
export {
  type HistogramChartOptions,
  type HistogramSeries,
  histogramChart,
} from './charts/histogram.js';
export { classificationTable } from './classification.js';
export { comparisonTable, type RunSummary, summarizeRun } from './comparison.js';
export { OverfitReportError } from './errors.js';
export { escapeHtml, formatCell } from './format.js';
export {
  defaultSections,
  type HtmlReportOptions,
  type ReportSection,
  type ReportTable,
  renderChartHtml,
  renderHtmlReport,
  renderTableHtml,
  runSection,
} from './html.js';
export { colorScale, PALETTE, seriesColor, seriesDash } from './palette.js';
export { renderSvg } from './render.js';
export type {
  BoxSummary,
  Cell,
  Chart,
  DataTable,
  HistogramData,
  RunDiagnostics,
  RunEpoch,
  RunRecord,
  RunTest,
  StepStats,
} from './types.js';
