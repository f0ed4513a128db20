import { escapeHtml } from './format.js';
import type { Chart } from './types.js';

/**
 * The chart as a standalone SVG string (Vega's headless renderer: no DOM needed, so it runs in
 * Node, in a browser page and in a Web Worker). The root `<svg>` carries `role="img"`, an
 * `aria-label` with the title and a `<desc>` with the caption.
 *
 * @example
 * const svg = await renderSvg(lossChart(runs));
 * await writeFile('loss.svg', svg);
 */
export async function renderSvg(chart: Chart): Promise<string> {
  // Loaded on first use: vega's module graph has a top-level await, which `require` (the CJS
  // entry) cannot load, and the spec builders do not need it.
  const [{ parse, View }, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const vegaSpec = compile(chart.spec as Parameters<typeof compile>[0]).spec;
  const view = new View(parse(vegaSpec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const label = escapeHtml(chart.title);
    // Replacer functions: a replacement string would read `$&`, `$'` ... in a run's name as patterns.
    return svg
      .replace(
        /^<svg /,
        () => `<svg role="img" aria-label="${label}" data-chart="${escapeHtml(chart.id)}" `,
      )
      .replace(
        /^(<svg[^>]*>)/,
        (open) => `${open}<title>${label}</title><desc>${escapeHtml(chart.caption)}</desc>`,
      );
  } finally {
    view.finalize();
  }
}
