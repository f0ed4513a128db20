import type { DistributionSummary, HealthFlags } from '@overfit/metrics';
import type { LineSeries } from './charts/line-chart.js';
import { formatNumber } from './charts/svg.js';

/** `{ mean, max, last }` of a per-step statistic over one epoch. */
export interface StepStats {
  mean: number;
  max: number;
  last: number;
}

/**
 * The part of the Trainer's per-epoch `EpochLog.diagnostics` the lab draws (plain JSON; the
 * Trainer's own type has more). Kept structural so the page reads any history with this shape.
 */
export interface LabDiagnostics {
  gradientNorms?: { global?: StepStats; perLayer?: Record<string, StepStats> };
  activations?: Record<string, DistributionSummary>;
  gradients?: Record<string, DistributionSummary>;
  health?: HealthFlags;
}

/** One epoch as the lab reads it: the flat scores plus optional diagnostics. */
export interface LabEpoch {
  epoch: number;
  valMacroF1?: number;
  diagnostics?: LabDiagnostics;
}

/** Which per-epoch statistic of the per-step gradient norms to plot. */
export type NormStat = keyof StepStats;

/** Layer names in first-seen order across epochs (the Trainer records them in model order). */
function orderedKeys(records: readonly (Record<string, unknown> | undefined)[]): string[] {
  const seen = new Set<string>();
  for (const r of records) for (const k of Object.keys(r ?? {})) seen.add(k);
  return [...seen];
}

/**
 * One line per layer: the layer's gradient norm `||g_layer||_2` per epoch (`stat` of that
 * epoch's steps, default `last`); NaN where an epoch has no record, so the chart leaves a gap.
 *
 * @example
 * lineChart(gradientNormSeries(trainer.history.epochs), { logY: true });
 */
export function gradientNormSeries(
  epochs: readonly LabEpoch[],
  stat: NormStat = 'last',
): LineSeries[] {
  const perLayer = epochs.map((e) => e.diagnostics?.gradientNorms?.perLayer);
  return orderedKeys(perLayer).map((name) => ({
    name,
    values: perLayer.map((p) => p?.[name]?.[stat] ?? Number.NaN),
  }));
}

/** A layer the student can pick: where its activations and its kernel gradients are recorded. */
export interface DistributionLayer {
  /** The layer that owns the kernel (`hidden_1`), or the probed layer's own name. */
  name: string;
  /** Key in `diagnostics.activations` (`hidden_1_activation` for core's `mlp`). */
  activations?: string;
  /** Key in `diagnostics.gradients` (`hidden_1`). */
  gradients?: string;
}

/**
 * Pairs the Trainer's distribution keys: gradients are keyed by the layer owning the kernel
 * (`hidden_1`), activations by the probed layer (`hidden_1_activation`), so an activation key
 * `<name>_activation` (or `<name>` itself) joins gradient key `<name>`. First-seen order.
 *
 * @example
 * distributionLayers(history.epochs); // [{ name: 'hidden_1', activations: 'hidden_1_activation', gradients: 'hidden_1' }, ...]
 */
export function distributionLayers(epochs: readonly LabEpoch[]): DistributionLayer[] {
  const grads = orderedKeys(epochs.map((e) => e.diagnostics?.gradients));
  const acts = orderedKeys(epochs.map((e) => e.diagnostics?.activations));
  const layers: DistributionLayer[] = grads.map((name) => ({ name, gradients: name }));
  for (const key of acts) {
    const base = key.endsWith('_activation') ? key.slice(0, -'_activation'.length) : key;
    const owner = layers.find((l) => l.name === base || l.name === key);
    if (owner && owner.activations === undefined) owner.activations = key;
    else layers.push({ name: key, activations: key });
  }
  return layers;
}

/**
 * One box per epoch for a recorded key (`undefined` key or epoch without it: `undefined`).
 *
 * @example
 * boxPlot(distributionSeries(history.epochs, 'gradients', 'hidden_1'));
 */
export function distributionSeries(
  epochs: readonly LabEpoch[],
  kind: 'activations' | 'gradients',
  key: string | undefined,
): (DistributionSummary | undefined)[] {
  return epochs.map((e) => (key === undefined ? undefined : e.diagnostics?.[kind]?.[key]));
}

/** Verdict of the Trainer's gradient-health check, for the badge. */
export interface HealthBadge {
  state: 'ok' | 'vanishing' | 'exploding' | 'vanishing+exploding' | 'non-finite' | 'unknown';
  /** Human text naming the flagged layers and the first/last-layer norm ratio. */
  text: string;
}

/**
 * Badge for an epoch's `diagnostics.health` (`healthFlags` of `@overfit/metrics` on the
 * epoch's mean per-layer gradient norms): non-finite wins, then vanishing and/or exploding.
 *
 * @example
 * healthBadge(trainer.history.epochs.at(-1).diagnostics.health); // { state: 'ok', text: 'gradients healthy (first/last layer norm ratio 0.41)' }
 */
export function healthBadge(health: HealthFlags | undefined): HealthBadge {
  if (!health) return { state: 'unknown', text: 'gradient health: not measured' };
  const ratio =
    health.ratio === null ? '' : ` (first/last layer norm ratio ${formatNumber(health.ratio)})`;
  const named = (flag: 'vanishing' | 'exploding' | 'nonFinite') => {
    const layers = health.layers.filter((l) => l[flag]).map((l) => l.name);
    return layers.length ? `: ${layers.join(', ')}` : '';
  };
  if (health.nonFinite)
    return { state: 'non-finite', text: `non-finite gradients${named('nonFinite')}` };
  if (health.vanishing && health.exploding)
    return {
      state: 'vanishing+exploding',
      text: `vanishing${named('vanishing')}; exploding${named('exploding')}${ratio}`,
    };
  if (health.vanishing)
    return { state: 'vanishing', text: `vanishing gradients${named('vanishing')}${ratio}` };
  if (health.exploding)
    return { state: 'exploding', text: `exploding gradients${named('exploding')}${ratio}` };
  return { state: 'ok', text: `gradients healthy${ratio}` };
}

/** One row of the assignment's comparison table. */
export interface CompareRow {
  config: string;
  finalValMacroF1: number;
  testMacroF1: number;
  /** Last epoch's gradient norm (`last` step) of the first layer with one (model order). */
  firstLayerGradNorm: number;
  /** ... and of the last layer (the output layer for an MLP). */
  lastLayerGradNorm: number;
}

/**
 * Summarizes one finished run for the comparison table; NaN marks a missing number.
 *
 * @example
 * compareRow('L2 0.01', trainer.history.epochs, testScores.macroF1);
 */
export function compareRow(
  config: string,
  epochs: readonly LabEpoch[],
  testMacroF1: number,
): CompareRow {
  const last = epochs[epochs.length - 1];
  const perLayer = last?.diagnostics?.gradientNorms?.perLayer ?? {};
  const names = Object.keys(perLayer);
  const norm = (name: string | undefined) =>
    name === undefined ? Number.NaN : (perLayer[name]?.last ?? Number.NaN);
  return {
    config,
    finalValMacroF1: last?.valMacroF1 ?? Number.NaN,
    testMacroF1,
    firstLayerGradNorm: norm(names[0]),
    lastLayerGradNorm: norm(names[names.length - 1]),
  };
}

/** The course assignment: same topology and learning rate, four regularization settings. */
export const ASSIGNMENT = [
  { label: 'none', regularization: 'none', strength: 0 },
  { label: 'L1 0.001', regularization: 'l1', strength: 0.001 },
  { label: 'L2 0.01', regularization: 'l2', strength: 0.01 },
  { label: 'dropout 0.15', regularization: 'dropout', strength: 0.15 },
] as const;
