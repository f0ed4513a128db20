import { describe, expect, it } from 'vitest';
import {
  comparisonTable,
  defaultSections,
  escapeHtml,
  gradientNormChart,
  lossChart,
  OverfitReportError,
  renderChartHtml,
  renderHtmlReport,
  renderSvg,
  renderTableHtml,
  summarizeRun,
} from './index.js';
import { syntheticRun } from './test-helpers.js';

describe('renderHtmlReport', () => {
  it('is one self-contained page: an <svg> per chart, its caption and data table, no script or link', async () => {
    const runs = [
      syntheticRun('none', { epochs: 2, layers: 2 }),
      {
        ...syntheticRun('L1 <0.001>', { epochs: 2, layers: 2, penalty: 2 }),
        partial: true,
        stopReason: 'SIGINT',
      },
    ];
    const sections = defaultSections(runs);
    const charts = sections.flatMap((s) => s.charts ?? []);
    const html = await renderHtmlReport({ title: 'overfit compare', subtitle: 'MNIST', runs });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.match(/<svg /g)).toHaveLength(charts.length);
    expect(html.match(/<figcaption>/g)).toHaveLength(charts.length);
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
    for (const c of charts) expect(html).toContain(`id="${c.id}"`);
    expect(new Set(charts.map((c) => c.id)).size).toBe(charts.length);
    // names are escaped; the partial run says so in the table and in its section
    expect(html).toContain('L1 &lt;0.001&gt; (partial)');
    expect(html).toContain('Partial run (SIGINT): 2 epoch(s) finished.');
    expect(html).not.toContain('L1 <0.001>');
    // the comparison table carries the final numbers
    expect(html).toContain('<td class="num">0.95</td>');
  });

  it('per run: gradient norms, activation and gradient box plots per layer, histogram, confusion matrix', () => {
    const run = syntheticRun('none', { epochs: 2, layers: 3 });
    const [, , perRun] = defaultSections([run]);
    expect(perRun!.charts!.map((c) => c.id)).toEqual([
      'gradient-norms-none',
      'activations-hidden-1-activation-none',
      'gradients-hidden-1-none',
      'activations-hidden-2-activation-none',
      'gradients-hidden-2-none',
      'gradients-output-none',
      'histogram-none',
      'confusion-matrix-none',
    ]);
    expect(perRun!.tables![0]!.title).toBe('Classification report (test)');
    expect(perRun!.details![0]!.text).toBe(JSON.stringify(run.config, null, 2));
  });

  it('a chart figure holds the SVG, the caption and the data behind it', async () => {
    const html = await renderChartHtml(lossChart([syntheticRun('none', { epochs: 1 })]));
    expect(html).toMatch(/^<figure class="chart" id="loss">\n<svg role="img"/);
    expect(html).toContain(
      '<details><summary>Data: Loss (data loss, penalty excluded)</summary><table>',
    );
    expect(
      renderTableHtml(
        {
          columns: ['a', 'b'],
          rows: [
            ['x', 0.5],
            ['y', null],
          ],
        },
        'T',
      ),
    ).toBe(
      '<table><caption>T</caption><thead><tr><th scope="col">a</th><th scope="col">b</th></tr></thead><tbody>\n' +
        '<tr><th scope="row">x</th><td class="num">0.5</td></tr>\n<tr><th scope="row">y</th><td>–</td></tr>\n</tbody></table>',
    );
  });

  it('escapes hostile names, titles and captions everywhere (no markup, no `$&` replacement patterns)', async () => {
    const hostile = `<script>alert(1)</script> & "q" 's' $& $1 $' $\``;
    const run = {
      ...syntheticRun(hostile, { epochs: 2, layers: 2 }),
      partial: true,
      stopReason: hostile,
      config: { note: hostile },
    };
    const html = await renderHtmlReport({
      title: hostile,
      subtitle: hostile,
      footer: hostile,
      runs: [run],
    });
    const charts = defaultSections([run]).flatMap((s) => s.charts ?? []);
    expect(html).not.toMatch(/<script/i);
    expect(html.match(/<svg /g)).toHaveLength(charts.length);
    const escaped = escapeHtml(hostile);
    expect(escaped).not.toMatch(/[<>"']/);
    for (const c of charts) {
      const svg = await renderSvg(c);
      expect(svg.match(/<svg /g)).toHaveLength(1);
      expect(svg).toContain(`aria-label="${escapeHtml(c.title)}" data-chart="${c.id}"`);
      expect(svg).toContain(
        `<title>${escapeHtml(c.title)}</title><desc>${escapeHtml(c.caption)}</desc>`,
      );
    }
    expect(html).toContain(`<title>${escaped}</title>`);
    expect(html).toContain(`<h1>${escaped}</h1>`);
    expect(html).toContain(`<footer>${escaped}</footer>`);
    expect(html).toContain(`<th scope="row">${escaped} (partial)</th>`);
    const table = renderTableHtml({ columns: [hostile], rows: [[hostile, hostile]] }, hostile);
    expect(table).not.toMatch(/<script/);
    expect(table).toContain(`<caption>${escaped}</caption>`);
    expect(table).toContain(`<td>${escaped}</td>`);
  });

  it('a run record missing its name or epochs fails with the field, not a TypeError', () => {
    expect(() => defaultSections([{ name: 'x' } as never])).toThrow(
      new OverfitReportError(
        "runs[0].epochs of run 'x' must be an array of epochs (possibly empty), got undefined",
      ),
    );
    expect(() => lossChart([{ epochs: [] } as never])).toThrow(
      'runs[0].name must be a string, got undefined',
    );
    expect(() => lossChart({ name: 'x', epochs: [] } as never)).toThrow(
      'runs must be an array of run records, got an object',
    );
    expect(() => comparisonTable([null as never])).toThrow(
      'runs[0] must be a run record { name, epochs: [...] }, got null',
    );
    expect(() => gradientNormChart({ name: 'x', epochs: [1] } as never)).toThrow(
      "run.epochs[0] of run 'x' must be an object { epoch, ... }, got 1",
    );
    expect(() => summarizeRun({ name: 3, epochs: [] } as never)).toThrow(OverfitReportError);
    expect(lossChart([{ name: 'empty', epochs: [] }]).table.rows).toEqual([]);
  });

  it('chart ids stay distinct for names in other scripts and for repeated names', () => {
    const runs = [
      syntheticRun('基线', { epochs: 1, layers: 2 }),
      syntheticRun('正则化 L2', { epochs: 1, layers: 2 }),
      syntheticRun('régularisé', { epochs: 1, layers: 2 }),
      syntheticRun('none', { epochs: 1, layers: 2 }),
      syntheticRun('none', { epochs: 1, layers: 2 }),
    ];
    const sections = defaultSections(runs);
    const ids = sections.flatMap((s) => s.charts ?? []).map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('gradient-norms-基线');
    expect(ids).toContain('gradient-norms-正则化-l2');
    expect(ids).toContain('gradient-norms-none-2');
    expect(sections.map((s) => s.title).slice(-2)).toEqual(['Run: none', 'Run: none (2)']);
    expect(sections[0]!.tables![0]!.table.rows.map((r) => r[0])).toEqual([
      '基线',
      '正则化 L2',
      'régularisé',
      'none',
      'none (2)',
    ]);
  });
});
