import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// End to end through the built binary (turbo builds it before this package's tests).
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

function overfit(...args: string[]) {
  return spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 300_000 });
}

describe('overfit train (built CLI)', () => {
  it('trains on real MNIST, prints the backend and per-epoch metrics, and writes the report', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'overfit-cli-')), 'report');
    const run = overfit(
      'train',
      '--epochs',
      '2',
      '--limit',
      '6000',
      '--hidden',
      '64',
      '--depth',
      '2',
      '--backend',
      'auto',
      '--seed',
      '3',
      '--clip-norm',
      '5',
      '--early-stopping',
      'patience=3,restore',
      '--report',
      dir,
    );
    expect(run.stderr).not.toMatch(/unexpected error/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^backend: (wasm|cpu|tensorflow)/m);
    expect(run.stdout).toMatch(/tfjs-node-gpu/);
    expect(run.stdout).toMatch(
      /^kernels: @overfit\/kernels on (wasm|cpu): .*OverfitFusedAdamUpdate/m,
    );
    expect(run.stdout).toMatch(/epoch 1: loss .* val_macro_f1 /);
    expect(run.stdout).toMatch(/epoch 2: loss .* val_macro_f1 /);
    expect(run.stderr).toMatch(/epoch 2\/2 \[=+\] \d+\/\d+ batches/);
    const report = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
    expect(report.backend).toMatch(/^(wasm|cpu|tensorflow)$/);
    expect(report.config).toMatchObject({ epochs: 2, limit: 6000, hidden: 64, depth: 2, seed: 3 });
    expect(report.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2]);
    for (const key of ['loss', 'valLoss', 'valAccuracy', 'valMacroF1'])
      expect(Number.isFinite(report.epochs[1][key])).toBe(true);
    expect(report.test.macroF1).toBeGreaterThan(0.85);
    expect(report.config).toMatchObject({
      clipNorm: 5,
      earlyStopping: { patience: 3, restoreBestWeights: true },
    });
    expect(report.earlyStopping).toMatchObject({ restoredBestWeights: true });
    const diagnostics = report.epochs[1].diagnostics;
    expect(Object.keys(diagnostics.gradientNorms.perLayer).sort()).toEqual([
      'hidden_1',
      'hidden_2',
      'output',
    ]);
    expect(diagnostics.preClipGlobalNorm.max).toBeGreaterThan(0);
    for (const layer of ['hidden_1_activation', 'hidden_2_activation']) {
      const box = diagnostics.activations[layer];
      expect(box.min).toBeLessThanOrEqual(box.q1);
      expect(box.q1).toBeLessThanOrEqual(box.median);
      expect(box.median).toBeLessThanOrEqual(box.q3);
    }
    expect(Object.keys(diagnostics.gradients)).toContain('hidden_1');
    expect(run.stdout).toMatch(/epoch 2 gradient norms \(mean\): global \S+ {2}hidden_1 /);
    expect(report.test.confusionMatrix).toHaveLength(10);
    const total = report.test.confusionMatrix.flat().reduce((s: number, v: number) => s + v, 0);
    expect(total).toBe(10_000);
  });

  it('rejects a bad flag with one line and exit code 2, writing nothing', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'overfit-cli-')), 'report');
    const run = overfit('train', '--epochs', '-3', '--report', dir);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^overfit: /);
    expect(run.stdout).toBe('');
    expect(existsSync(dir)).toBe(false);
  });
});
