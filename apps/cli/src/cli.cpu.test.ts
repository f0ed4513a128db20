import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
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
import { fileURLToPath } from 'node:url';
import { type Node, parse } from 'parse5';
import { afterAll, describe, expect, it } from 'vitest';

// End to end through the built binary (turbo builds it before this package's tests). Runs are
// kept small (--limit, 1-2 epochs, a narrow MLP) so the suite stays short on 2 cores.
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'overfit-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const SMALL = [
  '--limit',
  '1200',
  '--hidden',
  '32',
  '--depth',
  '1',
  '--batch-size',
  '100',
  '--seed',
  '3',
];
const isRoot = process.getuid?.() === 0;

function overfit(args: string[], options: { uid?: number; gid?: number } = {}) {
  return spawnSync(process.execPath, [main, ...args], {
    encoding: 'utf8',
    timeout: 600_000,
    ...options,
  });
}

/**
 * The CLI's own stderr lines. Dawn (the `webgpu` package) writes two native warnings straight to
 * fd 2 when `--backend auto` asks a software Vulkan driver (CI's lavapipe) for an adapter and is
 * refused; they are not the CLI's and cannot be silenced from JavaScript.
 */
const DAWN_WARNING = /^Warning: maxDynamic\w+PerPipelineLayout artificially reduced/;
const errLines = (stderr: string) =>
  stderr
    .trim()
    .split('\n')
    .filter((line) => line && !DAWN_WARNING.test(line));

describe('overfit --version, unknown commands (built CLI)', () => {
  it('prints the version on stdout, exit 0; an unknown command names every command', () => {
    const version = overfit(['--version']);
    expect(version.status).toBe(0);
    expect(version.stdout).toMatch(
      /^overfit \d+\.\d+\.\d+ \(@overfit\/cli, node v\d+\.\d+\.\d+\)\n$/,
    );
    expect(version.stderr).toBe('');
    const unknown = overfit(['sweeps']);
    expect(unknown.status).toBe(2);
    expect(errLines(unknown.stderr)).toEqual([
      `overfit: unknown command "sweeps": expected 'train', 'compare', 'doctor', 'sweep' or 'worker'`,
    ]);
  });
});

// Each test spawns the CLI synchronously; on a loaded 2-core machine a small run takes minutes.
describe('overfit train (built CLI)', { timeout: 600_000 }, () => {
  it('trains on real MNIST, prints data loss, penalty and train macro-F1, writes the report', () => {
    const dir = join(scratch, 'train-report');
    const run = overfit([
      'train',
      '--epochs',
      '2',
      ...SMALL,
      '--l2',
      '0.001',
      '--clip-norm',
      '5',
      '--early-stopping',
      'patience=3,restore',
      '--report',
      dir,
    ]);
    expect(run.stderr).not.toMatch(/unexpected error/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^backend: (wasm|cpu|tensorflow)/m);
    expect(run.stdout).toMatch(
      /^kernels: @overfit\/kernels on (wasm|cpu): .*OverfitFusedAdamUpdate/m,
    );
    expect(run.stdout).toMatch(
      /^data: MNIST 1080 train \/ 120 validation \/ 10000 test, standardized/m,
    );
    expect(run.stdout).toMatch(
      /^epoch 2\/2: data_loss \d\.\d{4} {2}penalty \d\.\d{4} {2}train_macro_f1 \d\.\d{4} {2}val_loss \d\.\d{4} {2}val_acc \d\.\d{4} {2}val_macro_f1 \d\.\d{4}/m,
    );
    expect(run.stdout).toMatch(/^test: macro-F1 0\.\d{4} {2}accuracy/m);
    expect(run.stderr).toMatch(/epoch 2\/2 \[=+\] \d+\/\d+ batches/);
    const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
    expect(metrics).toMatchObject({ command: 'train', partial: false });
    expect(metrics.backend).toMatch(/^(wasm|cpu|tensorflow)$/);
    const [record] = metrics.runs;
    expect(record).toMatchObject({
      name: 'l2=0.001,early-stopping',
      status: 'complete',
      partial: false,
    });
    expect(record.config).toMatchObject({
      epochs: 2,
      limit: 1200,
      hidden: 32,
      depth: 1,
      seed: 3,
      clipNorm: 5,
    });
    expect(record.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2]);
    const last = record.epochs[1];
    expect(last.dataLoss + last.penalty).toBeCloseTo(last.loss, 5);
    // 22 steps of a 784-32-10 net on 1080 images: well above chance (0.1), far from converged.
    expect(record.test.macroF1).toBeGreaterThan(0.5);
    expect(record.test.confusionMatrix.flat().reduce((s: number, v: number) => s + v, 0)).toBe(
      10_000,
    );
    expect(record.earlyStopping).toMatchObject({ restoredBestWeights: true });
    expect(Object.keys(last.diagnostics.gradientNorms.perLayer).sort()).toEqual([
      'hidden_1',
      'output',
    ]);
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
    expect(readFileSync(join(dir, 'summary.csv'), 'utf8').split('\n')[1]).toMatch(
      /^"l2=0.001,early-stopping",complete,2,0\.\d+/,
    );
  });

  it.each([
    [['--epochs', '-3'], '--epochs must be an integer in [1, 10000], got -3'],
    [['--epochs', '0x10'], '--epochs must be a decimal integer (no spaces, no hex), got "0x10"'],
    [['--lr', '-1'], '--lr must be a number in (0, 10], got -1'],
    [['--epochs', '1', '--epochs', '2'], '--epochs is given more than once; give it once'],
    [
      ['--validation-split', '0', '--early-stopping', 'monitor=valLoss'],
      '--early-stopping monitor=valLoss needs validation data, but --validation-split 0 holds none out; use monitor=loss or a split > 0',
    ],
  ])('refuses %j with one line and exit code 2 before anything runs', (args, message) => {
    const dir = join(scratch, 'never');
    const run = overfit(['train', ...args, '--report', dir]);
    expect(run.status).toBe(2);
    expect(errLines(run.stderr)).toEqual([`overfit: ${message}`]);
    expect(run.stdout).toBe('');
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses report directories it cannot use before loading anything, one line each', () => {
    const file = join(scratch, 'afile');
    writeFileSync(file, 'keep');
    for (const [dir, reason] of [
      [
        '/proc/x',
        '/proc is on procfs, a kernel file system, not a place for files; choose a directory on disk',
      ],
      [file, 'exists and is not a directory'],
      [join(file, 'sub'), `${file} is not a directory (a file cannot hold the report)`],
    ] as const) {
      const run = overfit(['train', '--report', dir]);
      expect(run.status, dir).toBe(2);
      expect(errLines(run.stderr)).toEqual([`overfit: report directory ${dir}: ${reason}`]);
      expect(run.stdout).toBe('');
    }
    expect(readFileSync(file, 'utf8')).toBe('keep');
  });

  it('refuses a directory without write permission (as an unprivileged user when root)', () => {
    const locked = join(scratch, 'locked');
    mkdirSync(locked);
    chmodSync(scratch, 0o755);
    chmodSync(locked, 0o555);
    try {
      const run = overfit(
        ['train', '--report', join(locked, 'sub')],
        isRoot ? { uid: 65534, gid: 65534 } : {},
      );
      expect(run.status).toBe(2);
      expect(errLines(run.stderr)).toEqual([
        `overfit: report directory ${locked}/sub: cannot create ${locked}/sub: permission denied (EACCES)`,
      ]);
      expect(run.stdout).toBe('');
    } finally {
      chmodSync(locked, 0o755);
    }
  });

  it('refuses --augment that does not fit the model before loading data; warns on --limit < batch', () => {
    const run = overfit(['train', '--augment', 'crop(10)']);
    expect(run.status).toBe(2);
    expect(errLines(run.stderr)).toEqual([
      'overfit: --augment "crop(10)" turns [N, 28, 28, 1] images into [N, 10, 10, 1]; the model takes [28, 28, 1] (resize back, e.g. randomResizedCrop, or pad)',
    ]);
    expect(run.stdout).toMatch(/^backend: /);
    expect(run.stdout).not.toMatch(/^data: /m);
    const small = overfit(['train', '--limit', '5', '--batch-size', '128', '--report', '/proc/x']);
    expect(small.status).toBe(2);
    expect(errLines(small.stderr)).toEqual([
      'warning: --limit 5 leaves 4 training images (validation split 0.1), fewer than one batch of 128: each epoch is a single batch of 4',
      'overfit: report directory /proc/x: /proc is on procfs, a kernel file system, not a place for files; choose a directory on disk',
    ]);
  });

  it('a write error (file too large for the limit) is one line; the older report stays whole', () => {
    const dir = join(scratch, 'full');
    mkdirSync(dir);
    const older = '{"runs":[{"name":"older"}],"partial":false}\n';
    writeFileSync(join(dir, 'metrics.json'), older);
    // RLIMIT_FSIZE: writes past 16 KiB fail with EFBIG (SIGXFSZ ignored), like a full disk.
    const command = `trap '' XFSZ; ulimit -f 16; exec "${process.execPath}" "${main}" train --epochs 1 ${SMALL.join(' ')} --report "${dir}"`;
    const run = spawnSync('bash', ['-c', command], { encoding: 'utf8', timeout: 600_000 });
    expect(run.status).toBe(1);
    expect(errLines(run.stderr).filter((l) => !/^epoch \d/.test(l))).toEqual([
      `overfit: cannot write ${dir}/metrics.json: file too large for this file system or limit (EFBIG)`,
    ]);
    expect(readFileSync(join(dir, 'metrics.json'), 'utf8')).toBe(older);
    expect(readdirSync(dir)).toEqual(['metrics.json']);
  });

  it('a non-finite loss stops the run and still writes the report, with the reason', () => {
    const dir = join(scratch, 'nan');
    const run = overfit([
      'train',
      '--epochs',
      '2',
      ...SMALL,
      '--optimizer',
      'sgd',
      '--lr',
      '10',
      '--init',
      'normal',
      '--l2',
      '1e30',
      '--report',
      dir,
    ]);
    expect(run.status).toBe(1);
    expect(errLines(run.stderr).filter((l) => !/^epoch \d/.test(l))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^overfit: training stopped after 0 of 2 epochs: .*not finite at step \\d+.*; report in ${dir}$`,
        ),
      ),
    ]);
    const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
    expect(metrics.partial).toBe(true);
    expect(metrics.runs[0]).toMatchObject({ status: 'non-finite', partial: true });
    expect(metrics.runs[0].stopReason).toMatch(/not finite at step/);
  });
});

describe('--dataset fashion-mnist (built CLI)', { timeout: 600_000 }, () => {
  const installed = existsSync('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz');
  it.runIf(installed)("trains on Debian's dataset-fashion-mnist, class names in the report", () => {
    const dir = join(scratch, 'fashion');
    const run = overfit([
      'train',
      '--dataset',
      'fashion-mnist',
      '--epochs',
      '1',
      ...SMALL,
      '--report',
      dir,
    ]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^data: Fashion-MNIST 1080 train \/ 120 validation \/ 10000 test/m);
    const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
    const report = metrics.runs[0].test.classificationReport;
    expect(report.classes.map((c: { name: string }) => c.name)).toEqual([
      'T-shirt/top',
      'Trouser',
      'Pullover',
      'Dress',
      'Coat',
      'Sandal',
      'Shirt',
      'Sneaker',
      'Bag',
      'Ankle boot',
    ]);
    expect(metrics.runs[0].test.macroF1).toBeGreaterThan(0.4);
  });
  it.runIf(!installed)('says in one line how to install it, before anything runs', () => {
    const run = overfit(['train', '--dataset', 'fashion-mnist']);
    expect(run.status).toBe(2);
    expect(errLines(run.stderr)).toEqual([
      'overfit: Fashion-MNIST not found: install it with `apt-get install dataset-fashion-mnist` (Debian; files in /usr/share/datasets/fashion-mnist)',
    ]);
  });
});

/** Runs the CLI, waits until stdout matches `when`, sends `signal`; resolves when it exits. */
async function interruptAfter(args: string[], when: RegExp, signal: NodeJS.Signals) {
  let child: ChildProcess | undefined;
  try {
    child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let sent = false;
    const exited = new Promise<number | null>((resolve) =>
      child!.on('exit', (code) => resolve(code)),
    );
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      if (!sent && when.test(stdout)) {
        sent = true;
        child!.kill(signal);
      }
    });
    child.stderr!.on('data', (chunk) => {
      stderr += chunk;
    });
    const code = await exited;
    return { code, stdout, stderr, sent };
  } finally {
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null)
      process.kill(child.pid, 'SIGKILL');
  }
}

describe('interrupts (built CLI)', { timeout: 600_000 }, () => {
  it('SIGINT after the first epoch: exit 130, one line, a valid partial report with that epoch', async () => {
    const dir = join(scratch, 'interrupted');
    const run = await interruptAfter(
      ['train', '--epochs', '50', ...SMALL, '--report', dir],
      /^epoch 1\/50: /m,
      'SIGINT',
    );
    expect(run.sent).toBe(true);
    expect(run.code).toBe(130);
    const lines = errLines(run.stderr).filter((l) => !/^epoch \d+\/50 \[/.test(l));
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^overfit: SIGINT: stopped after [12] of 50 epochs; report in ${dir} \\(partial\\)$`,
        ),
      ),
    ]);
    const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
    expect(metrics.partial).toBe(true);
    const [record] = metrics.runs;
    expect(record).toMatchObject({
      status: 'interrupted',
      partial: true,
      stopReason: 'interrupted (SIGINT)',
    });
    expect(record.epochs.length).toBeGreaterThanOrEqual(1);
    expect(record.epochs[0].epoch).toBe(1);
    expect(Number.isFinite(record.epochs[0].valMacroF1)).toBe(true);
    expect(record.test).toBeUndefined();
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toMatch(/PARTIAL REPORT/);
  });
});

describe('interrupts of compare (built CLI)', { timeout: 600_000 }, () => {
  it('SIGTERM: exit 143, one line, the partial report keeps the finished epochs, --resume is offered', async () => {
    const dir = join(scratch, 'compare-terminated');
    const run = await interruptAfter(
      ['compare', '--runs', 'none;l2=0.01', '--epochs', '20', ...SMALL, '--report', dir],
      /^epoch 1\/20: /m,
      'SIGTERM',
    );
    expect(run.code).toBe(143);
    const lines = errLines(run.stderr).filter((l) => !/^configuration \d\/2 \(/.test(l));
    expect(lines).toEqual([
      `overfit: SIGTERM: stopped with 0 of 2 configurations complete; partial report in ${dir} (resume with --resume ${dir})`,
    ]);
    const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
    expect(metrics.partial).toBe(true);
    expect(metrics.runs).toHaveLength(1);
    expect(metrics.runs[0]).toMatchObject({
      name: 'none',
      status: 'interrupted',
      stopReason: 'interrupted (SIGTERM)',
    });
    expect(metrics.runs[0].epochs.length).toBeGreaterThanOrEqual(1);
  });
});

/** Every element of `tag` in a parse5 tree. */
function elements(node: Node, tag: string, found: Node[] = []): Node[] {
  if (node.tagName === tag) found.push(node);
  for (const child of node.childNodes ?? []) elements(child, tag, found);
  if (node.content) elements(node.content, tag, found);
  return found;
}
const text = (node: Node): string =>
  node.nodeName === '#text' ? (node.value ?? '') : (node.childNodes ?? []).map(text).join('');
const attr = (node: Node, name: string) => node.attrs?.find((a) => a.name === name)?.value;

describe('overfit compare (built CLI)', { timeout: 600_000 }, () => {
  const dir = join(scratch, 'compare');

  it('runs the configurations, writes report.html (an svg per chart, the numbers of metrics.json), metrics.json, summary.csv', () => {
    const run = overfit([
      'compare',
      '--runs',
      'none;l2=0.01',
      '--epochs',
      '1',
      ...SMALL,
      '--report',
      dir,
    ]);
    expect(run.stderr).not.toMatch(/unexpected error/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^configuration 1\/2: none$/m);
    expect(run.stdout).toMatch(/^configuration 2\/2: l2=0\.01$/m);
    expect(run.stderr).toMatch(
      /^configuration 2\/2 \(l2=0\.01\) {2}epoch 1\/1 {2}batch 11\/11 {2}100% {2}elapsed \S+ {2}ETA 0s$/m,
    );
    expect(run.stdout).toMatch(/^name +epochs +test_macro_f1/m);
    const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
    expect(metrics).toMatchObject({
      command: 'compare',
      partial: false,
      configurations: ['none', 'l2=0.01'],
    });
    const [none, l2] = metrics.runs;
    // Same seed, same initial weights and batch order: without a penalty the runs differ only by it.
    expect(none.config.seed).toBe(l2.config.seed);
    expect(none.epochs[0].penalty).toBeUndefined();
    expect(l2.epochs[0].penalty).toBeGreaterThan(0);

    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    const doc = parse(html);
    expect(elements(doc, 'html')).toHaveLength(1);
    const figures = elements(doc, 'figure');
    expect(figures.length).toBeGreaterThanOrEqual(8);
    for (const figure of figures)
      expect(elements(figure, 'svg'), attr(figure, 'id')).toHaveLength(1);
    expect(elements(doc, 'script')).toHaveLength(0);
    // The comparison table holds the test macro-F1 of metrics.json (4 significant digits).
    const cells = elements(doc, 'table').flatMap((t) => elements(t, 'td').map(text));
    for (const r of metrics.runs) expect(cells).toContain(r.test.macroF1.toPrecision(4));
    const csv = readFileSync(join(dir, 'summary.csv'), 'utf8').trim().split('\n');
    expect(csv.map((l) => l.split(',')[0])).toEqual(['name', 'none', 'l2=0.01']);
    expect(Number(csv[1]!.split(',')[3])).toBe(none.test.macroF1);
  });

  it('--resume skips the configurations already complete and runs the rest', () => {
    const before = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
    const run = overfit([
      'compare',
      '--runs',
      'none;l2=0.01;dropout=0.15',
      '--epochs',
      '1',
      ...SMALL,
      '--resume',
      dir,
      '--quiet',
    ]);
    expect(run.status).toBe(0);
    expect(run.stdout).not.toMatch(/^configuration /m);
    expect(run.stderr).not.toMatch(/^configuration /m);
    expect(run.stdout).toMatch(/^dropout=0\.15 +1 /m);
    const after = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
    expect(after.runs.map((r: { name: string }) => r.name)).toEqual([
      'none',
      'l2=0.01',
      'dropout=0.15',
    ]);
    expect(after.runs.slice(0, 2)).toEqual(before.runs);
    expect(after.partial).toBe(false);
  });

  it('--resume runs again a complete-marked record that is broken, and refuses a file without runs', () => {
    const broken = join(scratch, 'compare-broken');
    mkdirSync(broken);
    const before = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
    before.runs[0].epochs = 'x';
    writeFileSync(join(broken, 'metrics.json'), JSON.stringify(before));
    const args = ['compare', '--runs', 'none;l2=0.01', '--epochs', '1', ...SMALL, '--quiet'];
    const run = overfit([...args, '--resume', broken]);
    expect(run.stderr).not.toMatch(/unexpected error/);
    expect(run.status).toBe(0);
    expect(errLines(run.stderr)).toEqual([
      `warning: --resume: configuration none in ${join(broken, 'metrics.json')} is not a usable record (no "epochs" list); running it again`,
    ]);
    const after = JSON.parse(readFileSync(join(broken, 'metrics.json'), 'utf8'));
    expect(after.runs.map((r: { name: string }) => r.name)).toEqual(['none', 'l2=0.01']);
    expect(after.runs[0].epochs).toHaveLength(1);
    expect(after.runs[1]).toEqual(before.runs[1]);

    writeFileSync(join(broken, 'metrics.json'), 'null');
    const refused = overfit([...args, '--resume', broken]);
    expect(refused.status).toBe(2);
    expect(errLines(refused.stderr)).toEqual([
      `overfit: --resume ${broken}: ${join(broken, 'metrics.json')} has no "runs" list`,
    ]);
  });

  it('--config: every problem one line, exit 2, nothing runs', () => {
    const file = join(scratch, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({ configurations: [{ name: 'x', l2: 'a lot', lr: 1 }, { dropout: 2 }] }),
    );
    const run = overfit(['compare', '--config', file, '--report', join(scratch, 'never-compare')]);
    expect(run.status).toBe(2);
    expect(errLines(run.stderr)).toEqual([
      `overfit: ${file}: configurations[0].l2 must be a number >= 0 (a JSON number), got "a lot"`,
      `overfit: ${file}: configurations[0].lr: unknown key (allowed: name, l1, l2, dropout, dropconnect, weightDecay, labelSmoothing, maxNorm, augment)`,
      `overfit: ${file}: configurations[1].dropout must be a number in [0, 1), got 2`,
    ]);
    expect(run.stdout).toBe('');
    expect(existsSync(join(scratch, 'never-compare'))).toBe(false);
  });
});
