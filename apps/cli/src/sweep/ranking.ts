import type { PlannedRun } from './plan.js';
import type { RunRecord } from './run-job.js';

/** A finished configuration: what was planned and what training returned. */
export interface SweepResult {
  run: PlannedRun;
  record: RunRecord;
}

/** Mean and sample standard deviation (n - 1; null for fewer than two values). */
export interface Spread {
  mean: number;
  std: number | null;
  n: number;
}

/** One row of the ranked table: a configuration over its seeds. */
export interface RankedGroup {
  rank: number;
  groupId: string;
  name: string;
  seeds: number[];
  configIds: string[];
  /** Validation macro-F1 after the last epoch. */
  valMacroF1: Spread;
  testMacroF1: Spread;
}

/** Mean and sample std of the finite values (NaN mean when there are none). */
export function spread(values: readonly number[]): Spread {
  const finite = values.filter(Number.isFinite);
  const n = finite.length;
  if (n === 0) return { mean: Number.NaN, std: null, n };
  const mean = finite.reduce((s, v) => s + v, 0) / n;
  if (n < 2) return { mean, std: null, n };
  const squares = finite.reduce((s, v) => s + (v - mean) ** 2, 0);
  return { mean, std: Math.sqrt(squares / (n - 1)), n };
}

/** The last epoch's validation macro-F1 (NaN when there was no validation split). */
export function finalValMacroF1(record: RunRecord): number {
  return record.epochs.at(-1)?.valMacroF1 ?? Number.NaN;
}

/**
 * Groups results by configuration without seed, best mean validation macro-F1 first (ties: by
 * name); groups without a finite score go last.
 */
export function rankResults(results: readonly SweepResult[]): RankedGroup[] {
  const groups = new Map<string, SweepResult[]>();
  for (const result of results) {
    const group = groups.get(result.run.groupId) ?? [];
    group.push(result);
    groups.set(result.run.groupId, group);
  }
  const rows = [...groups.values()].map((members) => {
    members.sort((a, b) => a.run.config.seed - b.run.config.seed);
    return {
      rank: 0,
      groupId: members[0]!.run.groupId,
      name: members[0]!.run.groupName,
      seeds: members.map((m) => m.run.config.seed),
      configIds: members.map((m) => m.run.id),
      valMacroF1: spread(members.map((m) => finalValMacroF1(m.record))),
      testMacroF1: spread(members.map((m) => m.record.test?.macroF1 ?? Number.NaN)),
    };
  });
  const score = (row: RankedGroup) =>
    Number.isFinite(row.valMacroF1.mean) ? row.valMacroF1.mean : Number.NEGATIVE_INFINITY;
  rows.sort((a, b) => score(b) - score(a) || a.name.localeCompare(b.name));
  rows.forEach((row, i) => {
    row.rank = i + 1;
  });
  return rows;
}

function formatSpread(s: Spread): string {
  if (!Number.isFinite(s.mean)) return 'n/a';
  return s.std === null ? s.mean.toFixed(4) : `${s.mean.toFixed(4)} ± ${s.std.toFixed(4)}`;
}

/** The ranked table as printed: one line per group. */
export function formatRanking(rows: readonly RankedGroup[]): string[] {
  const header = ['rank', 'val macro-F1 (mean ± std)', 'test macro-F1', 'seeds', 'configuration'];
  const body = rows.map((row) => [
    String(row.rank),
    formatSpread(row.valMacroF1),
    formatSpread(row.testMacroF1),
    String(row.seeds.length),
    row.name,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ');
  return [line(header), ...body.map(line)];
}
