import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OverfitError } from '@overfit/core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  FileWriteError,
  prepareReportDir,
  ReportDirectoryError,
  summaryCsv,
  writeFileAtomic,
  writeRunsReport,
} from './index.js';
import type { RunRecord } from './types.js';

const scratch = mkdtempSync(join(tmpdir(), 'overfit-output-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const isRoot = process.getuid?.() === 0;

async function refusal(path: string): Promise<string> {
  const error = await prepareReportDir(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ReportDirectoryError);
  expect(error).toBeInstanceOf(OverfitError);
  const message = (error as Error).message;
  expect(message.split('\n')).toHaveLength(1);
  return message;
}

describe('prepareReportDir', () => {
  it('creates missing components one by one and returns the absolute path', async () => {
    const dir = join(scratch, 'a', 'b', 'c');
    await expect(prepareReportDir(dir)).resolves.toBe(dir);
    expect(existsSync(dir)).toBe(true);
    // An existing directory is fine (a report is rewritten in place, atomically).
    await expect(prepareReportDir(dir)).resolves.toBe(dir);
  });

  it('refuses procfs and sysfs at once, without creating anything', async () => {
    const proc = await refusal('/proc/x/y');
    expect(proc).toBe(
      'report directory /proc/x/y: /proc is on procfs, a kernel file system, not a place for files; choose a directory on disk',
    );
    expect(await refusal('/sys/kernel/overfit')).toMatch(
      /^report directory \/sys\/kernel\/overfit: \/sys is on sysfs/,
    );
    expect(existsSync('/proc/x')).toBe(false);
  });

  it('refuses an existing file, and a file as a parent', async () => {
    const file = join(scratch, 'afile');
    writeFileSync(file, 'x');
    expect(await refusal(file)).toBe(`report directory ${file}: exists and is not a directory`);
    expect(await refusal(join(file, 'sub'))).toBe(
      `report directory ${file}/sub: ${file} is not a directory (a file cannot hold the report)`,
    );
    expect(readFileSync(file, 'utf8')).toBe('x');
  });

  it('a refusal deep in the path removes the directories it created, and only those', async () => {
    const kept = join(scratch, 'kept');
    mkdirSync(kept);
    // A component over NAME_MAX (255 bytes) fails after two new directories were made.
    const tooLong = join(kept, 'new-1', 'new-2', 'x'.repeat(300), 'report');
    expect(await refusal(tooLong)).toMatch(/(cannot look at|cannot create) .*x{300}.*too long/i);
    expect(existsSync(join(kept, 'new-1'))).toBe(false);
    expect(existsSync(kept)).toBe(true);
  });

  it('refuses an empty path', async () => {
    expect(await refusal('  ')).toBe('report directory "  ": a directory path is required');
  });

  // root ignores permission bits; the built-CLI test runs this case as another user instead.
  it.skipIf(isRoot)('refuses a directory it may not create or write into', async () => {
    const locked = join(scratch, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o555);
    try {
      expect(await refusal(join(locked, 'sub'))).toBe(
        `report directory ${locked}/sub: cannot create ${locked}/sub: permission denied (EACCES)`,
      );
      expect(await refusal(locked)).toBe(
        `report directory ${locked}: not writable: permission denied (EACCES)`,
      );
    } finally {
      chmodSync(locked, 0o755);
    }
  });
});

/** A 64 KiB tmpfs where mounting is allowed (root on Linux), else undefined. */
function tinyFileSystem(): string | undefined {
  if (!isRoot || process.platform !== 'linux') return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'overfit-full-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]);
  if (mounted.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  return dir;
}

describe('writeFileAtomic', () => {
  it('replaces the file whole and leaves no temporary file', async () => {
    const dir = join(scratch, 'atomic');
    mkdirSync(dir);
    const file = join(dir, 'metrics.json');
    await writeFileAtomic(file, 'old');
    await writeFileAtomic(file, 'new content');
    expect(readFileSync(file, 'utf8')).toBe('new content');
    expect(readdirSync(dir)).toEqual(['metrics.json']);
  });

  it('fails with one line naming the path when the directory is gone; nothing is left', async () => {
    const file = join(scratch, 'missing-dir', 'metrics.json');
    const error = await writeFileAtomic(file, 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileWriteError);
    expect((error as Error).message).toBe(
      `cannot write ${file}: no such file or directory (ENOENT)`,
    );
  });

  const full = tinyFileSystem();
  it.skipIf(full === undefined)(
    'on a full disk keeps the older file intact, removes the temporary file, says ENOSPC in one line',
    async () => {
      const dir = full!;
      try {
        const file = join(dir, 'metrics.json');
        const older = `${JSON.stringify({ runs: [{ name: 'older' }], partial: false })}\n`;
        await writeFileAtomic(file, older);
        const error = await writeFileAtomic(file, 'x'.repeat(512 * 1024)).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(FileWriteError);
        expect((error as Error).message).toBe(
          `cannot write ${file}: no space left on device (ENOSPC)`,
        );
        expect(readFileSync(file, 'utf8')).toBe(older);
        expect(readdirSync(dir)).toEqual(['metrics.json']);
      } finally {
        spawnSync('umount', [dir]);
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

const run = (name: string, over: Partial<RunRecord> = {}): RunRecord => ({
  name,
  config: { l2: name === 'l2' ? 0.01 : null },
  epochs: [
    {
      epoch: 1,
      loss: 0.5,
      dataLoss: 0.4,
      penalty: 0.1,
      macroF1: 0.9,
      valLoss: 0.45,
      valMacroF1: 0.88,
      seconds: 1.5,
    },
    {
      epoch: 2,
      loss: 0.3,
      dataLoss: 0.25,
      penalty: 0.05,
      macroF1: 0.95,
      valLoss: 0.35,
      valMacroF1: 0.9,
      seconds: 1.5,
    },
  ],
  test: {
    macroF1: 0.91,
    accuracy: 0.92,
    loss: 0.33,
    confusionMatrix: [
      [1, 0],
      [0, 1],
    ],
  },
  summary: { sparsity: 0.125, weightNorm: 12.5 },
  ...over,
});

describe('writeRunsReport', () => {
  it('writes metrics.json with runs and partial, and summary.csv with one row per run', async () => {
    const dir = await prepareReportDir(join(scratch, 'report'));
    const runs = [
      run('none'),
      run('l2, "quoted"', { partial: true, stopReason: 'interrupted (SIGINT)', test: undefined }),
    ];
    const written = await writeRunsReport(dir, {
      title: 'compare',
      runs,
      partial: true,
      meta: { backend: 'cpu' },
    });
    const metrics = JSON.parse(readFileSync(written.metrics, 'utf8'));
    expect(metrics).toMatchObject({ title: 'compare', backend: 'cpu', partial: true });
    expect(metrics.runs).toEqual(JSON.parse(JSON.stringify(runs)));
    const csv = readFileSync(written.summary, 'utf8').trimEnd().split('\n');
    expect(csv).toHaveLength(3);
    const header = csv[0]!.split(',');
    const row = csv[1]!.split(',');
    const cell = (name: string) => row[header.indexOf(name)];
    expect(cell('name')).toBe('none');
    expect(cell('status')).toBe('complete');
    expect(Number(cell('test_macro_f1'))).toBe(0.91);
    expect(Number(cell('gap_loss'))).toBeCloseTo(0.35 - 0.25, 12);
    expect(Number(cell('gap_macro_f1'))).toBeCloseTo(0.95 - 0.9, 12);
    expect(Number(cell('sparsity'))).toBe(0.125);
    expect(Number(cell('seconds'))).toBe(3);
    // RFC 4180: a comma or quote in a name is quoted, quotes doubled; a missing test is empty.
    expect(csv[2]).toMatch(/^"l2, ""quoted""",partial: interrupted \(SIGINT\),2,,,,/);
  });

  it('writes NaN and Infinity as null (JSON has neither)', async () => {
    const dir = await prepareReportDir(join(scratch, 'nan'));
    const bad = run('nan', {
      epochs: [{ epoch: 1, loss: Number.NaN, dataLoss: Number.POSITIVE_INFINITY }],
    });
    const written = await writeRunsReport(dir, { title: 't', runs: [bad], partial: true });
    const metrics = JSON.parse(readFileSync(written.metrics, 'utf8'));
    expect(metrics.runs[0].epochs[0]).toEqual({ epoch: 1, loss: null, dataLoss: null });
    expect(summaryCsv([bad]).split('\n')[1]).toMatch(/^nan,complete,1,0.91,/);
  });
});
