// The README example, run as written (so the documented code keeps working).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { f1Chart, lossChart, type RunRecord, renderHtmlReport, renderSvg } from './index.js';

describe('README example', () => {
  it('renders a chart, reads its table, writes a report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-readme-'));
    try {
      const runs: RunRecord[] = [
        {
          name: 'none',
          epochs: [
            { epoch: 1, loss: 0.52, macroF1: 0.86, valLoss: 0.41, valMacroF1: 0.88 },
            { epoch: 2, loss: 0.21, macroF1: 0.95, valLoss: 0.33, valMacroF1: 0.9 },
          ],
          test: {
            macroF1: 0.9,
            accuracy: 0.91,
            confusionMatrix: [
              [9, 1],
              [1, 9],
            ],
          },
        },
        {
          name: 'L2 0.01',
          epochs: [
            { epoch: 1, loss: 0.9, penalty: 0.3, macroF1: 0.85, valLoss: 0.4, valMacroF1: 0.88 },
            { epoch: 2, loss: 0.6, penalty: 0.25, macroF1: 0.92, valLoss: 0.3, valMacroF1: 0.91 },
          ],
        },
      ];
      const svg = await renderSvg(lossChart(runs));
      expect(svg.startsWith('<svg role="img" aria-label="Loss (data loss')).toBe(true);
      expect(f1Chart(runs).table.rows[0]).toEqual(['none', 1, 0.86, 0.88]);
      const file = join(dir, 'report.html');
      await writeFile(file, await renderHtmlReport({ title: 'My comparison', runs }));
      const html = readFileSync(file, 'utf8');
      expect(html).toContain('<h1>My comparison</h1>');
      expect(html).toContain('Confusion matrix (test): none');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
