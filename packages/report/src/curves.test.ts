import { describe, expect, it } from 'vitest';
import {
  f1Chart,
  gapChart,
  generalizationGap,
  lossChart,
  PALETTE,
  penaltyChart,
  renderSvg,
  trainDataLoss,
} from './index.js';
import { syntheticRun } from './test-helpers.js';

const values = (spec: { data: { values: Record<string, unknown>[] } }) => spec.data.values;

describe('lossChart', () => {
  it('plots the data loss: dataLoss, else loss - penalty, else loss', () => {
    expect(trainDataLoss({ epoch: 1, loss: 3, penalty: 1, dataLoss: 1.5 })).toBe(1.5);
    expect(trainDataLoss({ epoch: 1, loss: 3, penalty: 1 })).toBe(2);
    expect(trainDataLoss({ epoch: 1, loss: 3 })).toBe(3);
    const run = {
      name: 'l1',
      epochs: [
        { epoch: 1, loss: 13.5, penalty: 12.8, valLoss: 0.7 },
        { epoch: 2, loss: 10, penalty: 9.5, valLoss: 0.6 },
      ],
    };
    const c = lossChart([run]);
    const rows = values(c.spec as never);
    const train = rows.filter((r) => r.split === 'train').map((r) => r.value as number);
    expect(train[0]).toBeCloseTo(0.7, 12);
    expect(train[1]).toBeCloseTo(0.5, 12);
    expect(rows.filter((r) => r.split === 'validation').map((r) => r.value)).toEqual([0.7, 0.6]);
    expect(c.table.columns).toEqual(['run', 'epoch', 'train', 'validation']);
    expect(c.table.rows[0]![0]).toBe('l1');
    const layer = (spec: unknown) =>
      (spec as { layer: { encoding: { y: { title: string } } }[] }).layer[0]!;
    expect(layer(c.spec).encoding.y.title).toBe('loss');
    expect(layer(lossChart([run], { lossName: 'MSE' }).spec).encoding.y.title).toBe('MSE');
    expect(c.table.rows[0]![3]).toBe(0.7);
  });

  it('one colour per run in order, dashes per split; NaN points are dropped', () => {
    const a = syntheticRun('none');
    const b = syntheticRun('L2 0.01', { penalty: 1 });
    b.epochs[1]!.valLoss = Number.NaN;
    const c = lossChart([a, b]);
    const line = (c.spec as { layer: { encoding: Record<string, { scale?: unknown }> }[] })
      .layer[0]!;
    expect(line.encoding.color!.scale).toEqual({
      domain: ['none', 'L2 0.01'],
      range: [PALETTE[0], PALETTE[1]],
    });
    expect(line.encoding.strokeDash).toBeDefined();
    const rows = values(c.spec as never);
    expect(rows).toHaveLength(4 * 2 * 2 - 1);
    expect(rows.every((r) => Number.isFinite(r.value))).toBe(true);
  });

  it('a run read back from JSON (NaN saved as null) plots no made-up points', () => {
    const diverged = {
      name: 'diverged',
      epochs: [
        { epoch: 1, loss: 1.5, penalty: 0.5, macroF1: 0.6, valMacroF1: 0.5, valLoss: 1 },
        { epoch: 2, loss: Number.NaN, penalty: 0.4, macroF1: Number.NaN, valMacroF1: 0.4 },
        { epoch: 3, dataLoss: Number.NaN, macroF1: 0.7, valMacroF1: Number.POSITIVE_INFINITY },
      ],
    };
    const fromJson = JSON.parse(JSON.stringify(diverged)) as typeof diverged;
    expect(fromJson.epochs[1]!.loss).toBeNull();
    for (const run of [diverged, fromJson]) {
      const loss = values(lossChart([run]).spec as never);
      expect(loss.filter((r) => r.split === 'train').map((r) => [r.epoch, r.value])).toEqual([
        [1, 1],
      ]);
      const gap = values(gapChart([run]).spec as never).map((r) => [r.epoch, r.value]);
      expect(gap).toHaveLength(1);
      expect(gap[0]![0]).toBe(1);
      expect(gap[0]![1]).toBeCloseTo(0.1, 12);
      expect(Number.isNaN(trainDataLoss(run.epochs[1]!))).toBe(true);
      expect(Number.isNaN(generalizationGap(run.epochs[1]!))).toBe(true);
      expect(JSON.parse(JSON.stringify(lossChart([run]).spec))).toEqual(lossChart([run]).spec);
    }
  });

  it('renders to an SVG with its title, caption and one path per run and split', async () => {
    const c = lossChart([syntheticRun('none'), syntheticRun('dropout', { seed: 3 })]);
    const svg = await renderSvg(c);
    expect(svg.startsWith('<svg role="img" aria-label="Loss (data loss, penalty excluded)"')).toBe(
      true,
    );
    expect(svg).toContain(`<desc>${c.caption}</desc>`);
    const lines = svg.match(/<path[^>]*aria-roledescription="line mark"[^>]*>/g) ?? [];
    expect(lines).toHaveLength(4);
    const styles = lines.map(
      (l) => `${l.match(/stroke="([^"]+)"/)?.[1]} ${l.match(/stroke-dasharray="([^"]+)"/)?.[1]}`,
    );
    expect(new Set(styles)).toEqual(
      new Set(['#4e79a7 6,3', '#4e79a7 1,0', '#f28e2b 6,3', '#f28e2b 1,0']),
    );
  });
});

describe('penaltyChart, f1Chart, gapChart', () => {
  it('penaltyChart is null without a penalty and keeps only runs that have one', () => {
    expect(penaltyChart([syntheticRun('none')])).toBeNull();
    const c = penaltyChart([syntheticRun('none'), syntheticRun('L1', { penalty: 2 })])!;
    expect(new Set(values(c.spec as never).map((r) => r.run))).toEqual(new Set(['L1']));
    // L1 keeps the colour it has in every other chart of these runs
    const line = (c.spec as { layer: { encoding: { color: { scale: unknown } } }[] }).layer[0]!;
    expect(line.encoding.color.scale).toEqual({
      domain: ['L1'],
      range: [PALETTE[1]],
    });
  });

  it('the gap is train minus validation macro-F1, with a zero rule', () => {
    expect(generalizationGap({ epoch: 1, macroF1: 0.9, valMacroF1: 0.8 })).toBeCloseTo(0.1, 12);
    expect(generalizationGap({ epoch: 1, valMacroF1: 0.8 })).toBeUndefined();
    const run = syntheticRun('none', { epochs: 2 });
    const c = gapChart([run]);
    const rows = values(c.spec as never);
    expect(rows.map((r) => r.value)).toEqual(
      run.epochs.map((e) => (e.macroF1 as number) - (e.valMacroF1 as number)),
    );
    expect(JSON.stringify(c.spec)).toContain('"rule"');
    expect(f1Chart([run]).table.columns).toEqual(['run', 'epoch', 'train', 'validation']);
  });
});
