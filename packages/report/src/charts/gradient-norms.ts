import { OverfitReportError } from '../errors.js';
import { finiteOrNull, formatCell, orderedKeys } from '../format.js';
import { colorScale, PALETTE, seriesDash } from '../palette.js';
import { checkRun } from '../runs.js';
import type { Chart, RunRecord, StepStats } from '../types.js';
import { chart, chartSpec, EPOCH_AXIS, tableOf } from './base.js';
import { runChartId } from './ids.js';

export interface GradientNormChartOptions {
  /** Which per-epoch statistic of the per-step norms to plot: 'mean' (default), 'max' or 'last'. */
  stat?: keyof StepStats;
  /**
   * Norms below this are shaded as vanishing; default 1e-7 (`@overfit/metrics`' health flags).
   * A finite number > 0 (the axis is logarithmic).
   */
  vanishingNorm?: number;
  /** Norms above this are shaded as exploding; default 1e3. A finite number > `vanishingNorm`. */
  explodingNorm?: number;
}

const STATS: readonly (keyof StepStats)[] = ['mean', 'max', 'last'];

function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/**
 * The y-range (log scale): the data's extent padded by a factor of 3, widened to a threshold
 * only when the data comes within a decade of it, so healthy runs are not squashed into a corner
 * by bands twelve decades away.
 */
function logDomain(values: number[], low: number, high: number): [number, number] {
  const positive = values.filter((v) => v > 0);
  if (positive.length === 0) return [low, high];
  let min = Math.min(...positive) / 3;
  let max = Math.max(...positive) * 3;
  if (min < low * 10) min = Math.min(min, low / 10);
  if (max > high / 10) max = Math.max(max, high * 10);
  return [min, max];
}

/**
 * Per-layer gradient norm `||g_layer||_2` per epoch on a log axis, one colour per layer (input
 * side first), with the vanishing and exploding ranges shaded. Zero, negative and non-finite
 * norms cannot sit on a log axis: they are left off the chart and kept in its table.
 *
 * @throws OverfitReportError for a `stat` other than 'mean' / 'max' / 'last', or thresholds that
 * are not `0 < vanishingNorm < explodingNorm` (finite)
 * @example
 * await renderSvg(gradientNormChart(run, { stat: 'max' }));
 */
export function gradientNormChart(run: RunRecord, options: GradientNormChartOptions = {}): Chart {
  checkRun('run', run);
  const stat = options.stat ?? 'mean';
  const vanishing = options.vanishingNorm ?? 1e-7;
  const exploding = options.explodingNorm ?? 1e3;
  if (!STATS.includes(stat))
    throw new OverfitReportError(
      `options.stat must be one of 'mean', 'max', 'last', got ${shown(stat)}`,
    );
  if (typeof vanishing !== 'number' || !Number.isFinite(vanishing) || vanishing <= 0)
    throw new OverfitReportError(
      `options.vanishingNorm must be a finite number > 0 (the axis is logarithmic), got ${shown(vanishing)}`,
    );
  if (typeof exploding !== 'number' || !Number.isFinite(exploding) || exploding <= vanishing)
    throw new OverfitReportError(
      `options.explodingNorm must be a finite number > vanishingNorm (${vanishing}), got ${shown(exploding)}`,
    );
  const perLayer = run.epochs.map((e) => e.diagnostics?.gradientNorms?.perLayer);
  const layers = orderedKeys(perLayer);
  const rows: { layer: string; epoch: number; norm: number }[] = [];
  run.epochs.forEach((e, i) => {
    for (const layer of layers) {
      const norm = finiteOrNull(perLayer[i]?.[layer]?.[stat]);
      // A log axis cannot show 0: such a norm is beyond vanishing and sits in the table.
      if (norm !== null && norm > 0) rows.push({ layer, epoch: e.epoch, norm });
    }
  });
  const domain = logDomain(
    rows.map((r) => r.norm),
    vanishing,
    exploding,
  );
  const title = `Gradient norm per layer (${stat} per epoch): ${run.name}`;
  const caption = `Lines falling toward the lower band (< ${formatCell(vanishing)}) are vanishing gradients, lines rising into the upper band (> ${formatCell(exploding)}) exploding ones; healthy layers stay within a few decades of each other.`;
  const bands = [
    { from: domain[0], to: vanishing, band: 'vanishing' },
    { from: exploding, to: domain[1], band: 'exploding' },
  ].filter((b) => b.from < b.to);
  const y = {
    field: 'norm',
    type: 'quantitative',
    title: `‖gradient‖₂ (${stat}, log scale)`,
    scale: { type: 'log', domain },
  };
  const spec = chartSpec(title, caption, {
    layer: [
      {
        data: { values: bands },
        mark: { type: 'rect', opacity: 0.12, clip: true },
        encoding: {
          y: { field: 'from', type: 'quantitative', scale: { type: 'log', domain } },
          y2: { field: 'to' },
          color: {
            field: 'band',
            type: 'nominal',
            scale: { domain: ['vanishing', 'exploding'], range: ['#4e79a7', '#e15759'] },
            legend: null,
          },
        },
      },
      {
        data: { values: rows },
        mark: { type: 'line', strokeWidth: 2, point: { filled: true, size: 30 }, clip: true },
        encoding: {
          x: { field: 'epoch', type: 'quantitative', axis: EPOCH_AXIS },
          y,
          color: { field: 'layer', type: 'nominal', title: 'layer', scale: colorScale(layers) },
          ...(layers.length > PALETTE.length
            ? {
                strokeDash: {
                  field: 'layer',
                  type: 'nominal',
                  title: 'layer',
                  scale: { domain: layers, range: layers.map((_, i) => seriesDash(i)) },
                },
              }
            : {}),
          tooltip: [{ field: 'layer' }, { field: 'epoch' }, { field: 'norm', format: '.3e' }],
        },
      },
    ],
    resolve: { scale: { color: 'independent' } },
  });
  const table = tableOf(
    ['epoch', ...layers],
    run.epochs.map((e, i) => {
      const row: Record<string, number | null> = { epoch: e.epoch };
      for (const layer of layers) row[layer] = finiteOrNull(perLayer[i]?.[layer]?.[stat]);
      return row;
    }),
  );
  return chart(runChartId('gradient-norms', run), title, caption, spec, table);
}
