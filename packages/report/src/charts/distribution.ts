import { OverfitReportError } from '../errors.js';
import { finiteOrNull, orderedKeys } from '../format.js';
import { seriesColor } from '../palette.js';
import { checkRun } from '../runs.js';
import type { BoxSummary, Chart, RunRecord } from '../types.js';
import { chart, chartSpec, EPOCH_AXIS, tableOf } from './base.js';
import { runChartId, slug } from './ids.js';

/** A layer one can pick: where its activations and its kernel gradients are recorded. */
export interface DistributionLayer {
  /** The layer owning the kernel (`hidden_1`), or the probed layer's own name. */
  name: string;
  /** Key in `diagnostics.activations` (`hidden_1_activation` for `mlp`). */
  activations?: string;
  /** Key in `diagnostics.gradients` (`hidden_1`). */
  gradients?: string;
}

/**
 * Pairs the Trainer's distribution keys: gradients are keyed by the layer owning the kernel
 * (`hidden_1`), activations by the probed layer (`hidden_1_activation`), so activation key
 * `<name>_activation` (or `<name>`) joins gradient key `<name>`. First-seen order.
 */
export function distributionLayers(run: RunRecord): DistributionLayer[] {
  checkRun('run', run);
  const grads = orderedKeys(run.epochs.map((e) => e.diagnostics?.gradients));
  const acts = orderedKeys(run.epochs.map((e) => e.diagnostics?.activations));
  const layers: DistributionLayer[] = grads.map((name) => ({ name, gradients: name }));
  for (const key of acts) {
    const owner = key.endsWith('_activation') ? key.slice(0, -'_activation'.length) : key;
    const found = layers.find((l) => l.name === owner && l.activations === undefined);
    if (found) found.activations = key;
    else layers.push({ name: key, activations: key });
  }
  return layers;
}

export interface DistributionChartOptions {
  kind: 'activations' | 'gradients';
  /** The key in `diagnostics[kind]` (see {@link distributionLayers}). */
  layer: string;
}

/** Room beyond the whiskers, as a fraction of their span, before outliers are pinned. */
const MARGIN = 0.25;

/**
 * The y-range: the whiskers' extent plus a margin. When the whiskers collapse onto the box (more
 * than half the values equal, e.g. the zero gradients of dead or dropped units: IQR = 0), the
 * extent of the outliers is used instead, so they stay visible rather than a fixed unit range.
 */
function displayDomain(boxes: readonly BoxSummary[]): [number, number] {
  if (boxes.length === 0) return [0, 1];
  let low = Math.min(...boxes.map((b) => b.whiskerLow));
  let high = Math.max(...boxes.map((b) => b.whiskerHigh));
  if (high - low === 0) {
    const outliers = boxes.flatMap((b) => (b.outliers ?? []).filter(Number.isFinite));
    low = Math.min(low, ...outliers);
    high = Math.max(high, ...outliers);
  }
  const span = high - low || Math.abs(high) * 0.1 || 1;
  return [low - MARGIN * span, high + MARGIN * span];
}

/**
 * Box plots of one layer's activations or kernel gradients, one box per epoch (box = q1..q3,
 * bar = median, rule = whiskers at 1.5 IQR). The y-range follows the whiskers, not the
 * extremes, so the boxes stay readable; outliers within the margin are circles, those beyond
 * it are pinned to the edge as triangles (their values are in the table).
 *
 * @throws OverfitReportError for a `kind` other than 'activations' / 'gradients' or a `layer`
 * that is not a string
 * @example
 * await renderSvg(distributionChart(run, { kind: 'gradients', layer: 'hidden_1' }));
 */
export function distributionChart(run: RunRecord, options: DistributionChartOptions): Chart {
  checkRun('run', run);
  const { kind, layer } = options ?? ({} as DistributionChartOptions);
  if (kind !== 'activations' && kind !== 'gradients')
    throw new OverfitReportError(
      `options.kind must be 'activations' or 'gradients', got ${typeof kind === 'string' ? JSON.stringify(kind) : String(kind)}`,
    );
  if (typeof layer !== 'string')
    throw new OverfitReportError(
      `options.layer must be a key of diagnostics.${kind} (see distributionLayers), got ${String(layer)}`,
    );
  const boxes: (BoxSummary & { epoch: number })[] = [];
  for (const e of run.epochs) {
    const s = e.diagnostics?.[kind]?.[layer];
    if (s && [s.q1, s.median, s.q3, s.whiskerLow, s.whiskerHigh].every(Number.isFinite))
      boxes.push({ ...s, epoch: e.epoch });
  }
  const domain = displayDomain(boxes);
  const outliers = boxes.flatMap((b) =>
    (b.outliers ?? []).filter(Number.isFinite).map((value) => {
      const pinned = value < domain[0] ? 'below' : value > domain[1] ? 'above' : 'inside';
      const shown = Math.min(domain[1], Math.max(domain[0], value));
      return { epoch: b.epoch, value, shown, pinned };
    }),
  );
  const what = kind === 'activations' ? 'activations' : 'kernel gradients';
  const shownName = kind === 'activations' ? layer.replace(/_activation$/, '') : layer;
  const title = `${shownName} ${what} per epoch: ${run.name}`;
  const how =
    'Box: q1 to q3 with the median; whiskers: 1.5 IQR; triangles: outliers beyond the plotted range.';
  const caption =
    kind === 'activations'
      ? `${how} Boxes collapsing to zero mean dead or saturated units; boxes growing epoch after epoch mean activations are drifting.`
      : `${how} Boxes shrinking toward zero epoch after epoch mean this layer learns less and less (vanishing gradients); wide boxes and far outliers mean unstable steps.`;
  const color = seriesColor(kind === 'activations' ? 0 : 1);
  // One box per epoch; past ~20 epochs every other label is dropped rather than run together.
  const x = {
    field: 'epoch',
    type: 'ordinal',
    axis: { ...EPOCH_AXIS, labelAngle: 0, labelOverlap: 'parity' },
  };
  const y = (field: string) => ({
    field,
    type: 'quantitative',
    title: what,
    scale: { domain, nice: false, zero: false },
  });
  const spec = chartSpec(title, caption, {
    layer: [
      {
        data: { values: boxes },
        layer: [
          {
            mark: { type: 'rule', color: '#555555' },
            encoding: { x, y: y('whiskerLow'), y2: { field: 'whiskerHigh' } },
          },
          {
            mark: { type: 'bar', size: 18, color, opacity: 0.8, stroke: '#333333' },
            encoding: {
              x,
              y: y('q1'),
              y2: { field: 'q3' },
              tooltip: [
                { field: 'epoch' },
                { field: 'whiskerLow', format: '.3g' },
                { field: 'q1', format: '.3g' },
                { field: 'median', format: '.3g' },
                { field: 'q3', format: '.3g' },
                { field: 'whiskerHigh', format: '.3g' },
              ],
            },
          },
          {
            mark: { type: 'tick', color: '#111111', size: 18, thickness: 2 },
            encoding: { x, y: y('median') },
          },
        ],
      },
      {
        data: { values: outliers },
        mark: { type: 'point', filled: true, size: 28, opacity: 0.7, color: '#333333' },
        encoding: {
          x,
          y: y('shown'),
          shape: {
            field: 'pinned',
            type: 'nominal',
            title: 'outlier',
            scale: {
              domain: ['inside', 'above', 'below'],
              range: ['circle', 'triangle-up', 'triangle-down'],
            },
          },
          tooltip: [{ field: 'epoch' }, { field: 'value', format: '.4g' }],
        },
      },
    ],
  });
  const table = tableOf(
    ['epoch', 'whisker low', 'q1', 'median', 'q3', 'whisker high', 'outliers'],
    boxes.map((b) => ({
      epoch: b.epoch,
      'whisker low': b.whiskerLow,
      q1: b.q1,
      median: b.median,
      q3: b.q3,
      'whisker high': b.whiskerHigh,
      outliers: finiteOrNull(b.outlierCount ?? b.outliers?.length ?? 0),
    })),
  );
  return chart(runChartId(`${kind}-${slug(layer)}`, run), title, caption, spec, table);
}
