import { boxPlot } from './charts/box-plot.js';
import { lineChart } from './charts/line-chart.js';
import { escapeXml } from './charts/svg.js';
import {
  distributionLayers,
  distributionSeries,
  gradientNormSeries,
  healthBadge,
  type LabEpoch,
} from './diagnostics.js';
import type { RunRecord } from './record.js';

const $ = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector)!;

const values = (r: RunRecord, key: 'dataLoss' | 'valLoss' | 'macroF1' | 'valMacroF1' | 'penalty') =>
  r.epochs.map((e) => e[key] ?? Number.NaN);

/** Marks a figure with what it shows (the e2e and screen readers' table count on it). */
function mark(id: string, series: number, points: number): void {
  const figure = $(id);
  figure.dataset.series = String(series);
  figure.dataset.points = String(points);
}

/** Learning curves of every shown run, overlaid: one series per run and split. */
export function renderCurves(runs: readonly RunRecord[]): void {
  const points = runs.reduce((n, r) => n + r.epochs.length, 0);
  mark('#loss-chart', runs.length, points);
  mark('#f1-chart', runs.length, points);
  mark('#gap-chart', runs.length, points);
  $('#loss-chart').innerHTML = lineChart(
    runs.flatMap((r) => [
      { name: `${r.name} train`, values: values(r, 'dataLoss') },
      { name: `${r.name} val`, values: values(r, 'valLoss') },
    ]),
    { title: 'data loss per epoch (train and validation; penalties apart)' },
  );
  $('#f1-chart').innerHTML = lineChart(
    runs.flatMap((r) => [
      { name: `${r.name} train`, values: values(r, 'macroF1') },
      { name: `${r.name} val`, values: values(r, 'valMacroF1') },
    ]),
    { title: 'macro-F1 per epoch (train and validation)' },
  );
  $('#gap-chart').innerHTML = lineChart(
    runs.map((r) => ({
      name: r.name,
      values: r.epochs.map((e) => (e.macroF1 ?? Number.NaN) - (e.valMacroF1 ?? Number.NaN)),
    })),
    { title: 'generalization gap: train − validation macro-F1' },
  );
}

/** Gradient norms, health badge and the chosen layer's box plots for one run. */
export function renderRun(run: RunRecord | undefined, layerName?: string): void {
  const epochs = (run?.epochs ?? []) as unknown as LabEpoch[];
  const series = gradientNormSeries(epochs);
  $('#grad-chart').innerHTML = series.length
    ? lineChart(series, { logY: true, title: 'gradient norm ‖g‖₂ per layer (log scale)' })
    : '';
  const badge = healthBadge(epochs.at(-1)?.diagnostics?.health);
  $('#health').textContent = badge.text;
  $('#health').dataset.state = badge.state;
  const select = $<HTMLSelectElement>('#layer');
  const layers = distributionLayers(epochs).map((l) => l.name);
  const previous = layerName ?? select.value;
  if (Array.from(select.options, (o) => o.value).join() !== layers.join())
    select.replaceChildren(...layers.map((name) => new Option(name, name)));
  if (layers.includes(previous)) select.value = previous;
  const layer = distributionLayers(epochs).find((l) => l.name === select.value);
  $('#act-box').innerHTML = layer
    ? boxPlot(distributionSeries(epochs, 'activations', layer.activations), {
        title: `${layer.activations ?? layer.name}: activations per epoch`,
      })
    : '';
  $('#grad-box').innerHTML = layer
    ? boxPlot(distributionSeries(epochs, 'gradients', layer.gradients), {
        title: `${layer.gradients ?? layer.name}: kernel gradients per epoch`,
        fill: '#f7dcc4',
      })
    : '';
}

const fmt = (v: number | undefined, digits = 4) =>
  v === undefined || !Number.isFinite(v)
    ? '–'
    : Math.abs(v) < 1e-3 && v !== 0
      ? v.toExponential(2)
      : v.toFixed(digits);

/** The comparison table: one row per run. */
export function renderCompareTable(runs: readonly RunRecord[]): void {
  $('#compare-table tbody').innerHTML = runs
    .map((r) => {
      const last = r.epochs.at(-1);
      const s = r.summary ?? {};
      const cells = [
        last?.macroF1,
        last?.valMacroF1,
        r.test?.macroF1,
        s.gap,
        s.sparsity,
        s.weightNorm,
        s.firstGradNorm,
        s.lastGradNorm,
      ];
      return `<tr data-run="${escapeXml(r.name)}" data-partial="${r.partial === true}"><th scope="row">${escapeXml(r.name)}</th>${cells.map((v) => `<td>${fmt(v)}</td>`).join('')}</tr>`;
    })
    .join('');
}
