import { distinctNames, finiteOrNull } from '../format.js';
import { PALETTE, seriesColor } from '../palette.js';
import { checkRuns } from '../runs.js';
import type { Chart, RunEpoch, RunRecord } from '../types.js';
import { chart, chartSpec, EPOCH_AXIS, tableOf } from './base.js';

/** One plotted curve: which split, and how to read its value from an epoch. */
interface Curve {
  split: 'train' | 'validation' | 'gap';
  value: (e: RunEpoch) => number | undefined;
}

/**
 * A recorded number as arithmetic should see it: `null` is what JSON makes of NaN (and
 * ±Infinity), so it stays NaN instead of counting as 0 (`null - 0.5` is `-0.5`).
 */
function recorded(value: number | null): number {
  return value === null ? Number.NaN : value;
}

/**
 * Train data loss: `dataLoss`, else `loss - penalty`, else `loss` (no penalty was recorded). A
 * `null` (JSON's NaN) is NaN here, so a diverged loss is not drawn as `-penalty`.
 */
export function trainDataLoss(e: RunEpoch): number | undefined {
  if (e.dataLoss !== undefined) return recorded(e.dataLoss);
  if (e.loss !== undefined && e.penalty !== undefined)
    return recorded(e.loss) - recorded(e.penalty);
  return e.loss === undefined ? undefined : recorded(e.loss);
}

interface CurveChartOptions {
  id: string;
  title: string;
  yTitle: string;
  caption: string;
  curves: Curve[];
  /** A horizontal reference line (the gap's zero). */
  rule?: number;
  /** Runs that get a colour, in order (default: `runs`); keeps a run's colour across charts. */
  colorRuns?: readonly RunRecord[];
}

/** Point shapes per palette cycle of the runs (first cycle: circles). */
const CYCLE_SHAPES = ['circle', 'triangle-up', 'diamond', 'cross', 'triangle-down'];

/**
 * Dash and point shape per split, when a chart has both splits. With more runs than palette
 * colours the point shape tells the runs sharing a colour apart instead (one shape per palette
 * cycle), and the dash alone tells the splits.
 */
function splitEncoding(
  splits: readonly string[],
  runShapes: { domain: string[]; range: string[] } | undefined,
): Record<string, unknown> {
  const byRun = runShapes
    ? { shape: { field: 'run', type: 'nominal', title: 'run', scale: runShapes } }
    : {};
  if (splits.length < 2) return byRun;
  const scale = (range: unknown[]) => ({ domain: ['train', 'validation'], range });
  return {
    strokeDash: {
      field: 'split',
      type: 'nominal',
      title: 'split',
      scale: scale([
        [6, 3],
        [1, 0],
      ]),
    },
    ...(runShapes
      ? byRun
      : {
          shape: {
            field: 'split',
            type: 'nominal',
            title: 'split',
            scale: scale(['square', 'circle']),
          },
        }),
    detail: { field: 'split' },
  };
}

/**
 * Curves per run and split: colour = run (one palette colour each), dash and point shape =
 * split (train dashed with squares, validation solid with circles), so overlapping runs and the
 * train/validation pair of one run both stay readable.
 */
function curveChart(runs: readonly RunRecord[], o: CurveChartOptions): Chart {
  checkRuns('runs', runs);
  // A run's colour is its position among all runs (`colorRuns`), so it keeps it across charts.
  const everyRun = o.colorRuns ?? runs;
  const labels = distinctNames(everyRun.map((r) => r.name));
  const position = runs.map((r) => Math.max(0, everyRun.indexOf(r)));
  const names = position.map((i) => labels[i] as string);
  const color = { domain: names, range: position.map((i) => seriesColor(i)) };
  const runShapes =
    everyRun.length > PALETTE.length
      ? {
          domain: names,
          range: position.map(
            (i) => CYCLE_SHAPES[Math.floor(i / PALETTE.length) % CYCLE_SHAPES.length] as string,
          ),
        }
      : undefined;
  const rows: { run: string; split: string; epoch: number; value: number | null }[] = [];
  runs.forEach((run, k) => {
    for (const e of run.epochs)
      for (const c of o.curves) {
        const value = finiteOrNull(c.value(e));
        if (value !== null) rows.push({ run: names[k]!, split: c.split, epoch: e.epoch, value });
      }
  });
  const splits = [...new Set(o.curves.map((c) => c.split))];
  const layers: Record<string, unknown>[] = [
    {
      mark: { type: 'line', strokeWidth: 2, point: { filled: true, size: 36 } },
      encoding: {
        x: { field: 'epoch', type: 'quantitative', axis: EPOCH_AXIS },
        y: { field: 'value', type: 'quantitative', title: o.yTitle, scale: { zero: false } },
        color: { field: 'run', type: 'nominal', title: 'run', scale: color },
        ...splitEncoding(splits, runShapes),
        tooltip: [
          { field: 'run' },
          { field: 'split' },
          { field: 'epoch' },
          { field: 'value', format: '.4f' },
        ],
      },
    },
  ];
  if (o.rule !== undefined)
    layers.push({
      data: { values: [{ y: o.rule }] },
      mark: { type: 'rule', color: '#888888', strokeDash: [2, 2] },
      encoding: { y: { field: 'y', type: 'quantitative' } },
    });
  const spec = chartSpec(o.title, o.caption, { data: { values: rows }, layer: layers });
  const columns = ['run', 'epoch', ...splits];
  const byKey = new Map<string, Record<string, string | number | null>>();
  for (const r of rows) {
    const key = `${r.run}\u0000${r.epoch}`;
    const row = byKey.get(key) ?? { run: r.run, epoch: r.epoch };
    row[r.split] = r.value;
    byKey.set(key, row);
  }
  return chart(o.id, o.title, o.caption, spec, tableOf(columns, [...byKey.values()]));
}

export interface LossChartOptions {
  /** The y-axis title, e.g. 'cross-entropy' or 'MSE'; default 'loss'. */
  lossName?: string;
}

/**
 * Train and validation **data** loss per epoch, one colour per run. The train curve leaves the
 * penalty out (see {@link penaltyChart}), so runs with different regularizers compare.
 *
 * @example
 * await renderSvg(lossChart([baseline, l2Run]));
 */
export function lossChart(runs: readonly RunRecord[], options: LossChartOptions = {}): Chart {
  return curveChart(runs, {
    id: 'loss',
    title: 'Loss (data loss, penalty excluded)',
    yTitle: options.lossName ?? 'loss',
    caption:
      'Training loss falling while validation loss turns upward is overfitting; regularization keeps the two closer.',
    curves: [
      { split: 'train', value: trainDataLoss },
      { split: 'validation', value: (e) => e.valLoss },
    ],
  });
}

/** The penalty term per epoch for the runs that have one; `null` when none has. */
export function penaltyChart(runs: readonly RunRecord[]): Chart | null {
  checkRuns('runs', runs);
  const withPenalty = runs.filter((r) => r.epochs.some((e) => finiteOrNull(e.penalty) !== null));
  if (withPenalty.length === 0) return null;
  return curveChart(withPenalty, {
    colorRuns: runs,
    id: 'penalty',
    title: 'Penalty term (part of the training objective)',
    yTitle: 'penalty',
    caption:
      'What the regularizer adds to the training loss: an L1 penalty shrinks as weights reach zero, an L2 penalty as they shrink.',
    curves: [{ split: 'train', value: (e) => e.penalty }],
  });
}

/** Train and validation macro-F1 per epoch, one colour per run. */
export function f1Chart(runs: readonly RunRecord[]): Chart {
  return curveChart(runs, {
    id: 'macro-f1',
    title: 'Macro-F1',
    yTitle: 'macro-F1',
    caption:
      'Train above validation is the generalization gap; a regularized run trades a little train F1 for validation F1.',
    curves: [
      { split: 'train', value: (e) => e.macroF1 },
      { split: 'validation', value: (e) => e.valMacroF1 },
    ],
  });
}

/** Accuracy per epoch (train and validation), one colour per run. */
export function accuracyChart(runs: readonly RunRecord[]): Chart {
  return curveChart(runs, {
    id: 'accuracy',
    title: 'Accuracy',
    yTitle: 'accuracy',
    caption: 'Accuracy hides per-class failures that macro-F1 shows; read both.',
    curves: [
      { split: 'train', value: (e) => e.accuracy },
      { split: 'validation', value: (e) => e.valAccuracy },
    ],
  });
}

/**
 * `train macro-F1 - validation macro-F1` per epoch (defined where both exist; NaN where either
 * is NaN or `null`, JSON's NaN).
 */
export function generalizationGap(e: RunEpoch): number | undefined {
  return e.macroF1 !== undefined && e.valMacroF1 !== undefined
    ? recorded(e.macroF1) - recorded(e.valMacroF1)
    : undefined;
}

/** The generalization gap (train minus validation macro-F1) per epoch, one colour per run. */
export function gapChart(runs: readonly RunRecord[]): Chart {
  return curveChart(runs, {
    id: 'gap',
    title: 'Generalization gap (train − validation macro-F1)',
    yTitle: 'gap',
    caption:
      'A gap growing with the epochs is overfitting; the regularizer that keeps it near zero without lowering validation F1 wins.',
    curves: [{ split: 'gap', value: generalizationGap }],
    rule: 0,
  });
}
