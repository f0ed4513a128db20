import { OverfitReportError } from '../errors.js';
import { finiteOrNull } from '../format.js';
import { checkRun } from '../runs.js';
import type { Chart, RunRecord } from '../types.js';
import { chart, chartSpec } from './base.js';
import { runChartId } from './ids.js';

export interface ConfusionMatrixChartOptions {
  /** Class labels; default '0', '1', .... */
  labels?: readonly string[];
}

/**
 * The test confusion matrix (`matrix[true][predicted]` counts) as a heat map with counts in the
 * cells, true classes as rows (top to bottom) and predicted classes as columns, as sklearn's
 * `ConfusionMatrixDisplay`; the table has one row per true class. Normalized matrices (fractions)
 * show their cells with 2 significant digits (sklearn's `.2g`); NaN / ±Infinity cells are blank.
 *
 * @throws OverfitReportError for a missing or non-square matrix, or `labels` that are not one
 * distinct name per class
 * @example
 * await renderSvg(confusionMatrixChart(run));
 */
export function confusionMatrixChart(
  run: RunRecord,
  options: ConfusionMatrixChartOptions = {},
): Chart {
  checkRun('run', run);
  const matrix = run.test?.confusionMatrix;
  if (!matrix || matrix.length === 0)
    throw new OverfitReportError(`run '${run.name}' has no test.confusionMatrix to chart`);
  const n = matrix.length;
  if (matrix.some((row) => row.length !== n))
    throw new OverfitReportError(
      `run '${run.name}': confusionMatrix must be square (${n} x ${n}), got rows of ${matrix.map((r) => r.length).join(', ')}`,
    );
  const labels = options.labels ?? matrix.map((_, i) => String(i));
  if (labels.length !== n)
    throw new OverfitReportError(`labels must have ${n} entries, got ${labels.length}`);
  const repeated = labels.find((l, i) => labels.indexOf(l) !== i);
  if (repeated !== undefined)
    throw new OverfitReportError(
      `labels must be ${n} distinct names (cells of two classes would overlap), got '${repeated}' twice`,
    );
  // NaN / ±Infinity (a normalized row of zeros, a bad file) are blank cells: JSON and Vega's
  // expressions cannot hold them.
  const rows = matrix.flatMap((row, t) =>
    row.map((count, p) => ({ true: labels[t], predicted: labels[p], count: finiteOrNull(count) })),
  );
  const counts = rows.map((r) => r.count).filter((c): c is number => c !== null);
  const max = Math.max(0, ...counts);
  // sklearn's ConfusionMatrixDisplay: integers as they are, other values (normalized) '.2g'.
  const format = counts.every(Number.isInteger) ? 'd' : '.2g';
  const title = `Confusion matrix (test): ${run.name}`;
  const caption =
    'The diagonal holds correct predictions; a bright off-diagonal cell names the pair of classes the model confuses.';
  const axis = (title: string) => ({ title, labelAngle: 0 });
  const size = Math.min(360, 36 * n);
  const spec = chartSpec(
    title,
    caption,
    {
      data: { values: rows },
      encoding: {
        x: { field: 'predicted', type: 'ordinal', sort: labels, axis: axis('predicted') },
        y: { field: 'true', type: 'ordinal', sort: labels, axis: axis('true') },
      },
      layer: [
        {
          mark: 'rect',
          encoding: {
            color: {
              field: 'count',
              type: 'quantitative',
              scale: { scheme: 'blues', type: 'sqrt' },
              title: 'count',
            },
            tooltip: [{ field: 'true' }, { field: 'predicted' }, { field: 'count' }],
          },
        },
        {
          mark: { type: 'text', fontSize: n > 12 ? 8 : 10 },
          transform: [{ filter: 'isValid(datum.count)' }],
          encoding: {
            text: { field: 'count', type: 'quantitative', format },
            color: {
              condition: { test: `datum.count > ${max / 2}`, value: 'white' },
              value: '#222222',
            },
          },
        },
      ],
    },
    { width: size, height: size },
  );
  const table = {
    columns: ['true \\ predicted', ...labels],
    rows: matrix.map((row, t) => [labels[t] as string, ...row]),
  };
  return chart(runChartId('confusion-matrix', run), title, caption, spec, table);
}
