/**
 * Which @overfit/report chart each figure of the page shows (the CLI's report uses the same
 * builders). Pure; runs in the chart worker.
 */
import {
  type Chart,
  confusionMatrixChart,
  distributionChart,
  distributionLayers,
  f1Chart,
  gapChart,
  gradientNormChart,
  histogramChart,
  lossChart,
  penaltyChart,
} from '@overfit/report';
import type { RunRecord } from './record.js';

/** Figure id → the chart it should show (null: none). */
export type Plan = Map<string, Chart | null>;

/** The charts for the shown runs and the run picked for the diagnostics panels. */
export function planCharts(
  runs: readonly RunRecord[],
  run: RunRecord | undefined,
  layer: string | undefined,
): Plan {
  const plan: Plan = new Map();
  const withEpochs = runs.filter((r) => r.epochs.length > 0);
  const curves = withEpochs.length > 0;
  plan.set('loss-chart', curves ? lossChart(withEpochs) : null);
  plan.set('penalty-chart', curves ? penaltyChart(withEpochs) : null);
  plan.set('f1-chart', curves ? f1Chart(withEpochs) : null);
  plan.set('gap-chart', curves ? gapChart(withEpochs) : null);
  const hasNorms = run?.epochs.some((e) => e.diagnostics?.gradientNorms?.perLayer) ?? false;
  plan.set('grad-chart', run && hasNorms ? gradientNormChart(run) : null);
  const chosen = run ? distributionLayers(run).find((l) => l.name === layer) : undefined;
  plan.set(
    'act-box',
    run && chosen?.activations
      ? distributionChart(run, { kind: 'activations', layer: chosen.activations })
      : null,
  );
  plan.set(
    'grad-box',
    run && chosen?.gradients
      ? distributionChart(run, { kind: 'gradients', layer: chosen.gradients })
      : null,
  );
  const histograms = runs.filter((r) => r.weightHistogram);
  plan.set(
    'hist-chart',
    histograms.length > 0
      ? histogramChart(
          histograms.map((r) => ({ name: r.name, ...r.weightHistogram! })),
          {
            title: 'First-layer weights at the end of training',
            caption:
              'L1 piles weights at exactly zero (a spike; counts on a symmetric-log axis); L2 and weight decay shrink the spread; no regularization leaves the widest tails.',
            logCount: true,
          },
        )
      : null,
  );
  plan.set('cm-chart', run?.test?.confusionMatrix ? confusionMatrixChart(run) : null);
  return plan;
}
