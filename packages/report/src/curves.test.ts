import { describe, expect, it } from 'vitest';
import {
  confusionMatrixChart,
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

// biome-ignore lint/suspicious/noExplicitAny: specs are plain JSON
type Spec = Record<string, any>;

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

  it('14+ runs: colours cycle and the point shape changes with each cycle; every epoch kept', async () => {
    const runs = Array.from({ length: 15 }, (_, i) =>
      syntheticRun(`run ${i}`, { epochs: 3, seed: i }),
    );
    const c = f1Chart(runs);
    const enc = (c.spec as Spec).layer[0].encoding;
    expect(enc.color.scale.range[13]).toBe(PALETTE[0]);
    expect(enc.shape.field).toBe('run');
    expect(enc.shape.scale.range.slice(12)).toEqual(['circle', 'triangle-up', 'triangle-up']);
    expect(enc.strokeDash.field).toBe('split');
    expect(values(c.spec as never)).toHaveLength(15 * 3 * 2);
    // one legend entry per run: a run's colour + shape pair is unique
    const pairs = new Set(
      enc.color.scale.range.map((col: string, i: number) => `${col}/${enc.shape.scale.range[i]}`),
    );
    expect(pairs.size).toBe(15);
    expect(await renderSvg(c)).toMatch(/^<svg /);
    // a subset chart (penalty) keeps each run's colour and shape from the full list
    runs[14] = syntheticRun('run 14', { epochs: 3, penalty: 1 });
    const penalty = penaltyChart(runs)!;
    const p = (penalty.spec as Spec).layer[0].encoding;
    expect(p.color.scale).toEqual({ domain: ['run 14'], range: [PALETTE[1]] });
    expect(p.shape.scale).toEqual({ domain: ['run 14'], range: ['triangle-up'] });
  });

  it('runs with the same name stay apart (suffixed), none of their epochs merged', () => {
    const a = syntheticRun('baseline', { epochs: 2, seed: 1 });
    const b = syntheticRun('baseline', { epochs: 2, seed: 2 });
    const c = lossChart([a, b, syntheticRun('baseline (2)', { epochs: 2 })]);
    const enc = (c.spec as Spec).layer[0].encoding;
    expect(enc.color.scale.domain).toEqual(['baseline', 'baseline (3)', 'baseline (2)']);
    expect(new Set(enc.color.scale.range).size).toBe(3);
    const train = values(c.spec as never).filter(
      (r) => r.split === 'train' && r.run === 'baseline (3)',
    );
    expect(train.map((r) => r.value)).toEqual(b.epochs.map((e) => e.dataLoss));
    expect(c.table.rows).toHaveLength(6);
  });

  it('a very long run name does not widen the chart', async () => {
    const run = syntheticRun('x'.repeat(400), { epochs: 2 });
    const svg = await renderSvg(confusionMatrixChart(run));
    expect(Number(svg.match(/width="(\d+)"/)![1])).toBeLessThan(800);
    expect(svg).toContain(`<title>Confusion matrix (test): ${'x'.repeat(400)}</title>`);
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
