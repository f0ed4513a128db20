import type { Example, ExampleResult } from './types.js';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** The example's HTML report. */
export async function renderReport(
  example: Example,
  result: ExampleResult,
  meta: { quick: boolean; backend: string },
): Promise<string> {
  // TODO(report merge): charts through @overfit/report's renderHtmlReport.
  const checks = result.checks
    .map((c) => `<li>${c.holds ? '✔' : '✘'} ${escapeHtml(c.claim)}</li>`)
    .join('');
  return `<!doctype html><meta charset="utf-8"><title>${escapeHtml(example.name)}</title><h1>${escapeHtml(example.name)}</h1><p>${escapeHtml(example.claim)} (${meta.quick ? 'quick' : 'full'}, ${meta.backend})</p><ul>${checks}</ul>`;
}
