import { describe, expect, it } from 'vitest';
import {
  confusionMatrixChart,
  distributionChart,
  distributionLayers,
  gradientNormChart,
  histogramChart,
  OverfitReportError,
  renderSvg,
} from './index.js';
import { box, syntheticRun } from './test-helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: specs are plain JSON
type Spec = Record<string, any>;

describe('gradientNormChart', () => {
  it('one line per layer on a log axis; zero and NaN norms stay in the table only', () => {
    const run = syntheticRun('none', { epochs: 3, layers: 3 });
    run.epochs[1]!.diagnostics!.gradientNorms!.perLayer!.output!.mean = 0;
    run.epochs[2]!.diagnostics!.gradientNorms!.perLayer!.output!.mean = Number.NaN;
    const c = gradientNormChart(run);
    const line = (c.spec as Spec).layer[1];
    expect(line.encoding.y.scale.type).toBe('log');
    expect(line.encoding.color.scale.domain).toEqual(['hidden_1', 'hidden_2', 'output']);
    expect(line.data.values).toHaveLength(3 * 3 - 2);
    expect(c.table.columns).toEqual(['epoch', 'hidden_1', 'hidden_2', 'output']);
    expect(c.table.rows[1]![3]).toBe(0);
    expect(c.table.rows[2]![3]).toBeNull();
  });

  it('shows a band only when the data comes within a decade of its threshold', () => {
    const run = syntheticRun('none', { epochs: 2, layers: 2 });
    const healthy = gradientNormChart(run);
    const domain = (healthy.spec as Spec).layer[1].encoding.y.scale.domain as number[];
    expect(domain[0]).toBeGreaterThan(1e-6);
    expect((healthy.spec as Spec).layer[0].data.values).toHaveLength(0);
    run.epochs[1]!.diagnostics!.gradientNorms!.perLayer!.hidden_1!.mean = 5e-7;
    const sick = gradientNormChart(run);
    const bands = (sick.spec as Spec).layer[0].data.values;
    expect(bands.map((b: { band: string }) => b.band)).toEqual(['vanishing']);
    expect((sick.spec as Spec).layer[1].encoding.y.scale.domain[0]).toBeLessThan(1e-7);
  });

  it('refuses thresholds a log axis cannot show and unknown statistics', () => {
    const run = syntheticRun('none', { epochs: 2, layers: 2 });
    expect(() => gradientNormChart(run, { vanishingNorm: 0 })).toThrow(
      new OverfitReportError(
        'options.vanishingNorm must be a finite number > 0 (the axis is logarithmic), got 0',
      ),
    );
    expect(() => gradientNormChart(run, { vanishingNorm: -1 })).toThrow(OverfitReportError);
    expect(() => gradientNormChart(run, { vanishingNorm: Number.NaN })).toThrow(/got NaN/);
    expect(() => gradientNormChart(run, { explodingNorm: 1e-8 })).toThrow(
      'options.explodingNorm must be a finite number > vanishingNorm (1e-7), got 1e-8',
    );
    expect(() => gradientNormChart(run, { explodingNorm: Number.POSITIVE_INFINITY })).toThrow(
      OverfitReportError,
    );
    expect(() => gradientNormChart(run, { stat: 'median' as never })).toThrow(
      `options.stat must be one of 'mean', 'max', 'last', got "median"`,
    );
  });

  it('keeps a valid log domain when every norm is zero or negative', async () => {
    const run = syntheticRun('dead', { epochs: 2, layers: 2 });
    for (const e of run.epochs)
      for (const s of Object.values(e.diagnostics!.gradientNorms!.perLayer!)) {
        s.mean = 0;
      }
    run.epochs[1]!.diagnostics!.gradientNorms!.perLayer!.output!.mean = -1;
    const c = gradientNormChart(run);
    const lines = c.spec.layer[1] as Spec;
    expect(lines.data.values).toEqual([]);
    const [lo, hi] = lines.encoding.y.scale.domain as number[];
    expect(lo! > 0 && hi! > lo!).toBe(true);
    expect(c.table.rows).toEqual([
      [1, 0, 0],
      [2, 0, -1],
    ]);
    expect(await renderSvg(c)).toMatch(/^<svg /);
  });

  it('changes the dash past the palette (a depth-14 net)', async () => {
    const c = gradientNormChart(syntheticRun('deep', { epochs: 2, layers: 15 }));
    expect((c.spec as Spec).layer[1].encoding.strokeDash.scale.domain).toHaveLength(15);
    expect(await renderSvg(c)).toContain('stroke-dasharray');
  });
});

describe('distributionChart', () => {
  it('pairs activation and gradient keys by layer', () => {
    expect(distributionLayers(syntheticRun('none', { layers: 3 }))).toEqual([
      { name: 'hidden_1', gradients: 'hidden_1', activations: 'hidden_1_activation' },
      { name: 'hidden_2', gradients: 'hidden_2', activations: 'hidden_2_activation' },
      { name: 'output', gradients: 'output' },
    ]);
  });

  it('sets the y-range from the whiskers and pins far outliers to its edges', () => {
    const run = {
      name: 'r',
      epochs: [
        { epoch: 1, diagnostics: { gradients: { d: box(0, 1, [-3, 4, 1e6]) } } },
        { epoch: 2, diagnostics: { gradients: { d: box(1, 1, [-1e6]) } } },
      ],
    };
    const c = distributionChart(run, { kind: 'gradients', layer: 'd' });
    // whiskers: [-2.5, 2.5] and [-1.5, 3.5] -> [-2.5, 3.5], span 6, margin 0.25 * 6 = 1.5
    const outliers = (c.spec as Spec).layer[1];
    expect(outliers.encoding.y.scale.domain).toEqual([-4, 5]);
    expect(outliers.data.values).toEqual([
      { epoch: 1, value: -3, shown: -3, pinned: 'inside' },
      { epoch: 1, value: 4, shown: 4, pinned: 'inside' },
      { epoch: 1, value: 1e6, shown: 5, pinned: 'above' },
      { epoch: 2, value: -1e6, shown: -4, pinned: 'below' },
    ]);
    expect(c.table.rows).toEqual([
      [1, -2.5, -1, 0, 1, 2.5, 3],
      [2, -1.5, 0, 1, 2, 3.5, 1],
    ]);
  });

  it('falls back to the outliers when the whiskers collapse (IQR = 0: mostly zero gradients)', () => {
    const zero = { q1: 0, median: 0, q3: 0, whiskerLow: 0, whiskerHigh: 0 };
    const run = {
      name: 'r',
      epochs: [
        { epoch: 1, diagnostics: { gradients: { d: { ...zero, outliers: [-0.002, 0.004] } } } },
        { epoch: 2, diagnostics: { gradients: { d: { ...zero, outliers: [0.001] } } } },
      ],
    };
    const c = distributionChart(run, { kind: 'gradients', layer: 'd' });
    // outliers span [-0.002, 0.004]: 0.006, margin 0.0015
    const [lo, hi] = (c.spec as Spec).layer[1].encoding.y.scale.domain;
    expect(lo).toBeCloseTo(-0.0035, 12);
    expect(hi).toBeCloseTo(0.0055, 12);
    const allZero = distributionChart(
      { name: 'z', epochs: [{ epoch: 1, diagnostics: { gradients: { d: zero } } }] },
      { kind: 'gradients', layer: 'd' },
    );
    expect((allZero.spec as Spec).layer[1].encoding.y.scale.domain).toEqual([-0.25, 0.25]);
  });

  it('refuses an unknown kind or a missing layer', () => {
    const run = syntheticRun('none', { epochs: 1 });
    expect(() => distributionChart(run, { kind: 'weights' as never, layer: 'hidden_1' })).toThrow(
      new OverfitReportError(`options.kind must be 'activations' or 'gradients', got "weights"`),
    );
    expect(() => distributionChart(run, { kind: 'gradients' } as never)).toThrow(
      'options.layer must be a key of diagnostics.gradients (see distributionLayers), got undefined',
    );
  });

  it('renders boxes, whiskers, medians and outliers', async () => {
    const run = syntheticRun('none', { epochs: 3 });
    const svg = await renderSvg(
      distributionChart(run, { kind: 'activations', layer: 'hidden_1_activation' }),
    );
    expect(svg).toContain('hidden_1 activations per epoch: none');
    expect((svg.match(/role-mark[^"]*layer_0_layer_1_marks/g) ?? []).length).toBe(1);
    expect(
      svg.match(/<path[^>]*d="M[^"]*"[^>]*fill="#4e79a7"/g)?.length ?? 0,
    ).toBeGreaterThanOrEqual(3);
  });
});

describe('histogramChart', () => {
  it('refuses edges that do not bracket the counts', () => {
    expect(() => histogramChart({ name: 'w', edges: [0, 1], counts: [1, 2] })).toThrow(
      new OverfitReportError("histogram 'w': edges must have counts.length + 1 = 3 entries, got 2"),
    );
    expect(() => histogramChart({ name: 'r', epochs: [] })).toThrow(/has no weightHistogram/);
  });

  it('bars for one series, step outlines per run for several', () => {
    const one = histogramChart({ name: 'w', edges: [0, 1, 2], counts: [3, 4] });
    expect((one.spec as Spec).mark.type).toBe('rect');
    expect(one.table.rows).toEqual([
      ['w', 0, 1, 3],
      ['w', 1, 2, 4],
    ]);
    const two = histogramChart([
      { name: 'a', edges: [0, 1, 2], counts: [3, 4] },
      { name: 'b', edges: [0, 1, 2], counts: [1, 0] },
    ]);
    expect((two.spec as Spec).mark.interpolate).toBe('step-after');
    expect((two.spec as Spec).data.values).toHaveLength(6);
  });
});

describe('histogramChart with many or repeated names', () => {
  it('dashes past the palette and keeps repeated names apart', () => {
    const h = { edges: [0, 1, 2], counts: [1, 2] };
    const series = Array.from({ length: 14 }, (_, i) => ({
      name: i === 13 ? 's0' : `s${i}`,
      ...h,
    }));
    const spec = histogramChart(series).spec as Spec;
    expect(spec.encoding.color.scale.domain.at(-1)).toBe('s0 (2)');
    expect(spec.encoding.strokeDash.scale.range[13]).toEqual([6, 3]);
    expect(spec.encoding.strokeDash.scale.range[0]).toEqual([]);
    expect(spec.data.values).toHaveLength(14 * 3);
  });
});

describe('confusionMatrixChart', () => {
  it('a cell per pair with counts; table rows are true classes', async () => {
    const run = syntheticRun('none');
    const c = confusionMatrixChart(run, { labels: ['a', 'b', 'c'] });
    expect(c.table).toEqual({
      columns: ['true \\ predicted', 'a', 'b', 'c'],
      rows: [
        ['a', 50, 2, 0],
        ['b', 3, 45, 2],
        ['c', 0, 1, 47],
      ],
    });
    const svg = await renderSvg(c);
    for (const n of ['50', '45', '47']) expect(svg).toContain(`>${n}</text>`);
  });

  it('rows are true labels (top to bottom), columns predicted labels, as sklearn', async () => {
    const run = {
      name: 'r',
      epochs: [],
      test: {
        confusionMatrix: [
          [11, 12],
          [21, 22],
        ],
      },
    };
    const c = confusionMatrixChart(run, { labels: ['cat', 'dog'] });
    const spec = c.spec as Spec;
    expect(spec.encoding.y.field).toBe('true');
    expect(spec.encoding.x.field).toBe('predicted');
    expect(spec.data.values).toContainEqual({ true: 'cat', predicted: 'dog', count: 12 });
    const svg = await renderSvg(c);
    const at = (text: string) => {
      const m = svg.match(
        new RegExp(`transform="translate\\(([\\d.]+),([\\d.]+)\\)"[^>]*>${text}</text>`),
      );
      expect(m).not.toBeNull();
      return [Number(m![1]), Number(m![2])] as const;
    };
    const [x11, y11] = at('11');
    const [x12, y12] = at('12');
    const [x21, y21] = at('21');
    expect(y12).toBe(y11); // same true class: same row
    expect(x12).toBeGreaterThan(x11); // predicted 'dog' right of 'cat'
    expect(x21).toBe(x11);
    expect(y21).toBeGreaterThan(y11); // true 'dog' below 'cat'
  });

  it('normalized and non-finite matrices: .2g cells, blank NaN / Infinity cells, valid JSON', async () => {
    const normalized = {
      name: 'n',
      epochs: [],
      test: {
        confusionMatrix: [
          [1 / 3, 2 / 3],
          [0.25, 0.75],
        ],
      },
    };
    const c = confusionMatrixChart(normalized);
    const svg = await renderSvg(c);
    for (const t of ['0.33', '0.67', '0.25', '0.75']) expect(svg).toContain(`>${t}</text>`);
    expect(svg).not.toContain('>0.333');
    const spec = c.spec as Spec;
    expect(spec.layer[1].encoding.color.condition.test).toBe(`datum.count > ${0.75 / 2}`);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const run = {
        name: 'b',
        epochs: [],
        test: {
          confusionMatrix: [
            [5, bad],
            [2, 3],
          ],
        },
      };
      const chart = confusionMatrixChart(run);
      expect(JSON.parse(JSON.stringify(chart.spec))).toEqual(chart.spec);
      expect((chart.spec as Spec).data.values[1]).toEqual({
        true: '0',
        predicted: '1',
        count: null,
      });
      const out = await renderSvg(chart);
      expect(out).not.toMatch(/NaN|Infinity/);
      expect(out).toContain('>5</text>');
    }
  });

  it('refuses a missing or non-square matrix and wrong labels', () => {
    expect(() => confusionMatrixChart(syntheticRun('r'), { labels: ['a', 'b', 'a'] })).toThrow(
      "labels must be 3 distinct names (cells of two classes would overlap), got 'a' twice",
    );
    expect(() => confusionMatrixChart({ name: 'r', epochs: [] })).toThrow(
      /no test.confusionMatrix/,
    );
    expect(() =>
      confusionMatrixChart({ name: 'r', epochs: [], test: { confusionMatrix: [[1, 2], [3]] } }),
    ).toThrow("run 'r': confusionMatrix must be square (2 x 2), got rows of 2, 1");
    expect(() => confusionMatrixChart(syntheticRun('r'), { labels: ['a'] })).toThrow(
      'labels must have 3 entries, got 1',
    );
  });
});
