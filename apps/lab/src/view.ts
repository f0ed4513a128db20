import { boxPlot } from './charts/box-plot.js';
import { lineChart } from './charts/line-chart.js';
import { escapeXml } from './charts/svg.js';
import {
  type CompareRow,
  distributionLayers,
  distributionSeries,
  gradientNormSeries,
  healthBadge,
  type LabEpoch,
} from './diagnostics.js';

const $ = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector)!;

/** Redraws the diagnostics panels (gradient norms, health badge, layer boxes, val macro-F1) from the history so far. */
export function renderEpochs(epochs: readonly LabEpoch[]): void {
  const series = gradientNormSeries(epochs);
  $('#grad-chart').innerHTML = series.length
    ? lineChart(series, {
        logY: true,
        title: 'gradient norm ‖g‖₂ per layer (last step of each epoch, log scale)',
      })
    : '<p>no gradient norms recorded</p>';
  const badge = healthBadge(epochs[epochs.length - 1]?.diagnostics?.health);
  const badgeEl = $('#health');
  badgeEl.textContent = badge.text;
  badgeEl.dataset.state = badge.state;

  const select = $<HTMLSelectElement>('#layer');
  const layers = distributionLayers(epochs).map((l) => l.name);
  const previous = select.value;
  if (Array.from(select.options, (o) => o.value).join() !== layers.join()) {
    select.replaceChildren(...layers.map((name) => new Option(name, name)));
    // Keep the student's choice across epochs when that layer still exists.
    if (layers.includes(previous)) select.value = previous;
  }
  renderLayer(epochs, select.value);

  $('#f1-chart').innerHTML = lineChart(
    [{ name: 'val macro-F1', values: epochs.map((e) => e.valMacroF1 ?? Number.NaN) }],
    {
      title: 'validation macro-F1 per epoch',
      height: 200,
    },
  );
}

/** Box plots of the chosen layer's activations and gradients, one box per epoch. */
export function renderLayer(epochs: readonly LabEpoch[], layerName: string): void {
  const layer = distributionLayers(epochs).find((l) => l.name === layerName);
  if (!layer) {
    $('#act-box').innerHTML = $('#grad-box').innerHTML = '<p>no distributions recorded</p>';
    return;
  }
  $('#act-box').innerHTML = boxPlot(distributionSeries(epochs, 'activations', layer.activations), {
    title: `${layer.activations ?? layer.name}: activations per epoch (probe batch)`,
  });
  $('#grad-box').innerHTML = boxPlot(distributionSeries(epochs, 'gradients', layer.gradients), {
    title: `${layer.gradients ?? layer.name}: kernel gradients per epoch (probe batch)`,
    fill: '#f7dcc4',
  });
}

const fmt = (v: number, digits = 4) =>
  Number.isFinite(v)
    ? Math.abs(v) < 1e-3 && v !== 0
      ? v.toExponential(2)
      : v.toFixed(digits)
    : '–';

/** The assignment's summary table, one row per finished configuration. */
export function renderCompare(rows: readonly CompareRow[]): void {
  $('#compare-table tbody').innerHTML = rows
    .map(
      (r) =>
        `<tr data-config="${escapeXml(r.config)}" data-test-macro-f1="${r.testMacroF1}"><td>${escapeXml(r.config)}</td><td>${fmt(r.finalValMacroF1)}</td>` +
        `<td>${fmt(r.testMacroF1)}</td><td>${fmt(r.firstLayerGradNorm)}</td><td>${fmt(r.lastLayerGradNorm)}</td></tr>`,
    )
    .join('');
}
