import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import {
  alive,
  CLI,
  freePort,
  killAll,
  makeTlsCertificates,
  type Started,
  start,
  startCli,
  startRedis,
  trainingPids,
} from './processes.testing.js';

// End to end through the built CLI: real redis-server, real worker processes, real MNIST.
// Tiny trainings (300 images, 1 epoch, 16 units) so the sweep takes seconds per configuration.
const TINY = ['--epochs', '1', '--hidden', '16', '--batch-size', '64', '--no-diagnostics'];

const started: Started[] = [];
const extraPids = new Set<number>();
const dirs: string[] = [];

afterAll(() => {
  // Every process this file started, by PID, and the training processes the workers reported.
  for (const process of started) {
    for (const pid of trainingPids(process.output())) extraPids.add(pid);
    extraPids.add(process.pid);
  }
  killAll(extraPids);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'overfit-sweep-'));
  dirs.push(dir);
  return dir;
}

function track(process: Started): Started {
  started.push(process);
  return process;
}

describe('overfit sweep --redis with overfit worker (built CLI, real redis-server)', () => {
  it('completes every configuration exactly once although a worker is killed -9 mid-job', async () => {
    const { server, url } = await startRedis();
    track(server);
    const dir = tempDir();
    const configFile = join(dir, 'sweep.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        grid: { l2: [0, 0.001, 0.01], depth: [1, 2] },
        base: { limit: 300 },
        // Fails for good: an L2 of 1e30 on N(0, 1) weights overflows the objective at once.
        configurations: [{ lr: 10, optimizer: 'sgd', init: 'normal', l2: 1e30 }],
      }),
    );
    const report = join(dir, 'report');
    const workerArgs = ['worker', '--redis', url, '--lock-seconds', '2'];
    const a = track(startCli([...workerArgs, '--name', 'A']));
    const b = track(startCli([...workerArgs, '--name', 'B']));
    const sweep = track(
      startCli([
        'sweep',
        '--redis',
        url,
        '--config',
        configFile,
        ...TINY,
        '--report',
        report,
        '--attempts',
        '2',
      ]),
    );
    const sweepEnded = sweep.exited.then(() => {
      throw new Error(`the sweep ended before worker A took a job:\n${sweep.output()}`);
    });
    const [, killedJob] = await Promise.race([
      a.waitFor(/job ([0-9a-f]{12}) started/, 90_000),
      sweepEnded,
    ]);
    sweepEnded.catch(() => {});
    await a.waitFor(/training process \d+/, 30_000);
    a.child.kill('SIGKILL');
    await a.exited;
    const { code } = await sweep.exited;
    const output = sweep.output();
    // One configuration failed for good: exit code 1, and the sweep still finished the others.
    expect(output, output).toMatch(/sweep [0-9a-f]{12}: 6 finished, 1 failed in /);
    expect(code).toBe(1);

    const metrics = JSON.parse(readFileSync(join(report, 'metrics.json'), 'utf8'));
    expect(metrics.partial).toBe(false);
    expect(metrics).toMatchObject({ command: 'sweep', mode: 'redis', total: 7 });
    expect(metrics.runs).toHaveLength(6);
    const ids: string[] = metrics.runs.map((run: { id: string }) => run.id);
    expect(new Set(ids).size).toBe(6);
    expect(ids).toContain(killedJob);
    for (const run of metrics.runs) {
      expect(run.epochs).toHaveLength(1);
      expect(run.test.confusionMatrix.flat().reduce((s: number, v: number) => s + v, 0)).toBe(
        10_000,
      );
    }
    expect(metrics.failures).toEqual([
      expect.objectContaining({
        name: 'lr=10 optimizer=sgd init=normal l2=1e+30',
        error: expect.stringMatching(/loss is not finite at step \d+/),
        attempts: 1,
      }),
    ]);
    expect(metrics.ranking).toHaveLength(6);
    const summary = readFileSync(join(report, 'summary.csv'), 'utf8').trim().split('\n');
    expect(summary).toHaveLength(7);
    for (const run of metrics.runs)
      expect(summary.some((line) => line.startsWith(`${run.name},complete,1,`))).toBe(true);
    const html = readFileSync(join(report, 'report.html'), 'utf8');
    expect(html).toContain('<h2>Ranking</h2>');
    expect(html).toContain('<h2>Failed configurations</h2>');
    for (const run of metrics.runs) expect(html).toContain(run.name);

    // Redis' own record: one result per configuration, each stored exactly once, the killed
    // worker's job started again by the other worker and stored by it.
    const redis = new Redis(url);
    try {
      const sweepId = metrics.sweepId;
      expect((await redis.hkeys(`overfit:sweep:${sweepId}:results`)).sort()).toEqual(
        [...ids].sort(),
      );
      const log = await redis.lrange(`overfit:sweep:${sweepId}:log`, 0, -1);
      const stored = log
        .filter((line) => line.startsWith('stored '))
        .map((line) => line.split(' ')[1]);
      expect(stored.sort()).toEqual([...ids].sort());
      expect(log.filter((line) => line.startsWith('duplicate '))).toEqual([]);
      const startedKilled = log.filter((line) => line.startsWith(`started ${killedJob} `));
      expect(startedKilled.map((line) => line.split(' ')[2])).toEqual(['A', 'B']);
      expect(log).toContain(`stored ${killedJob} B 2`);
      // The sweep is done: no longer offered to workers.
      expect(await redis.zscore('overfit:sweeps', sweepId)).toBeNull();
    } finally {
      redis.disconnect();
    }
    expect(b.output()).toMatch(new RegExp(`job ${killedJob} stalled`));
    // The killed worker's training process went with it (its IPC channel closed).
    await new Promise((resolve) => setTimeout(resolve, 1000));
    for (const pid of trainingPids(a.output())) expect(alive(pid)).toBe(false);
  }, 240_000);
  it('serves two sweeps sharing one Redis with one worker', async () => {
    const { server, url } = await startRedis();
    track(server);
    const dir = tempDir();
    const sweep = (grid: string, report: string) =>
      track(
        startCli([
          'sweep',
          '--redis',
          url,
          '--grid',
          grid,
          ...TINY,
          '--limit',
          '300',
          '--report',
          join(dir, report),
        ]),
      );
    const first = sweep('l2=0,1e-3', 'first');
    const second = sweep('dropout=0,0.1', 'second');
    track(startCli(['worker', '--redis', url, '--lock-seconds', '5']));
    const [one, two] = await Promise.all([first.exited, second.exited]);
    expect(one.code, first.output()).toBe(0);
    expect(two.code, second.output()).toBe(0);
    for (const report of ['first', 'second']) {
      const metrics = JSON.parse(readFileSync(join(dir, report, 'metrics.json'), 'utf8'));
      expect(metrics.runs.map((run: { name: string }) => run.name)).toEqual(
        report === 'first' ? ['l2=0', 'l2=1e-3'] : ['dropout=0', 'dropout=0.1'],
      );
    }
  }, 240_000);

  it('an interrupted sweep leaves its jobs queued; --resume collects them', async () => {
    const { server, url } = await startRedis();
    track(server);
    const report = join(tempDir(), 'report');
    const args = ['sweep', '--redis', url, '--grid', 'l2=0,1e-3,1e-2', ...TINY, '--limit', '300'];
    // No worker yet: the sweep queues its 3 jobs and waits; Ctrl-C writes a partial report.
    const first = track(startCli([...args, '--report', report]));
    await first.waitFor(/3 queued, 0 already queued/, 60_000);
    first.child.kill('SIGINT');
    expect((await first.exited).code, first.output()).toBe(130);
    expect(first.output()).toMatch(
      /0 finished, 0 failed, 3 missing \(interrupted; run again with --resume\)/,
    );
    expect(JSON.parse(readFileSync(join(report, 'metrics.json'), 'utf8'))).toMatchObject({
      partial: true,
      runs: [],
    });

    const refused = track(startCli([...args, '--report', report]));
    expect((await refused.exited).code).toBe(1);
    expect(refused.output()).toMatch(
      /already exists in Redis \(0 of 3 results stored\); pass --resume/,
    );

    track(startCli(['worker', '--redis', url, '--lock-seconds', '5']));
    const resumed = track(startCli([...args, '--report', report, '--resume']));
    expect((await resumed.exited).code, resumed.output()).toBe(0);
    expect(resumed.output()).toMatch(/0 queued, 3 already queued/);
    const metrics = JSON.parse(readFileSync(join(report, 'metrics.json'), 'utf8'));
    expect(metrics.partial).toBe(false);
    expect(metrics.runs.map((run: { name: string }) => run.name)).toEqual([
      'l2=0',
      'l2=1e-3',
      'l2=1e-2',
    ]);
  }, 240_000);

  it('takes a password in the URL or OVERFIT_REDIS_URL, and never prints it', async () => {
    const { server, port } = await startRedis(['--requirepass', 's3cret-pw']);
    track(server);
    const wrong = track(startCli(['worker', '--redis', `redis://:wrong-pw@127.0.0.1:${port}`]));
    expect((await wrong.exited).code).toBe(1);
    expect(wrong.output()).toMatch(
      /^overfit: cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: WRONGPASS/m,
    );
    expect(wrong.output()).not.toContain('wrong-pw');
    const right = track(
      start(process.execPath, [CLI, 'worker', '--name', 'P'], {
        OVERFIT_REDIS_URL: `redis://:s3cret-pw@127.0.0.1:${port}`,
      }),
    );
    await right.waitFor(/worker P: 1 at a time, serving every sweep/, 60_000);
    expect(right.output()).not.toContain('s3cret-pw');
  }, 120_000);

  it('sweeps over TLS (rediss://) with a private CA given by --redis-ca', async () => {
    const dir = tempDir();
    const tls = makeTlsCertificates(dir);
    const port = await freePort();
    // --port 0: no plain TCP at all, TLS only.
    const server = track(
      start('redis-server', [
        ...['--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1'],
        ...['--tls-cert-file', tls.cert, '--tls-key-file', tls.key, '--tls-ca-cert-file', tls.ca],
        ...['--tls-auth-clients', 'no', '--save', '', '--appendonly', 'no'],
      ]),
    );
    await server.waitFor(/Ready to accept connections/, 20_000);
    const url = `rediss://127.0.0.1:${port}`;
    const untrusted = track(startCli(['worker', '--redis', url]));
    expect((await untrusted.exited).code).toBe(1);
    expect(untrusted.output()).toMatch(
      /cannot reach Redis at rediss:\/\/127\.0\.0\.1:\d+\/?: self-signed certificate/,
    );
    track(startCli(['worker', '--redis', url, '--redis-ca', tls.ca]));
    const report = join(dir, 'report');
    const sweep = track(
      startCli([
        'sweep',
        '--redis',
        url,
        '--redis-ca',
        tls.ca,
        '--grid',
        'l2=0',
        ...TINY,
        '--limit',
        '300',
        '--report',
        report,
      ]),
    );
    expect((await sweep.exited).code, sweep.output()).toBe(0);
    expect(JSON.parse(readFileSync(join(report, 'metrics.json'), 'utf8')).runs).toHaveLength(1);
  }, 120_000);
});

describe('overfit sweep (local pool, built CLI)', () => {
  it('trains on a pool of processes; --resume runs only what is missing', async () => {
    const dir = tempDir();
    const report = join(dir, 'report');
    const args = [
      'sweep',
      '--grid',
      'l2=0,1e-3;depth=1',
      '--seeds',
      '2',
      ...TINY,
      '--limit',
      '300',
    ];
    const first = track(startCli([...args, '--workers', '2', '--report', report]));
    const { code } = await first.exited;
    expect(first.output()).toMatch(/local: 4 configurations on 2 processes/);
    expect(code, first.output()).toBe(0);
    const metrics = JSON.parse(readFileSync(join(report, 'metrics.json'), 'utf8'));
    expect(metrics.runs).toHaveLength(4);
    expect(metrics.ranking.map((row: { seeds: number[] }) => row.seeds)).toEqual([
      [1, 2],
      [1, 2],
    ]);
    const ranking = readFileSync(join(report, 'ranking.csv'), 'utf8').trim().split('\n');
    expect(ranking).toHaveLength(3);
    expect(ranking[0]).toMatch(/^rank,configuration,seeds,val_macro_f1_mean,val_macro_f1_std/);

    // An interrupted sweep: one run's file is missing. Without --resume nothing runs.
    const lost = metrics.runs[3].id;
    rmSync(join(report, 'runs', `${lost}.json`));
    const refused = track(startCli([...args, '--report', report]));
    expect((await refused.exited).code).toBe(1);
    expect(refused.output()).toMatch(/already holds 3 of this sweep's 4 runs; pass --resume/);
    const resumed = track(startCli([...args, '--report', report, '--resume']));
    expect((await resumed.exited).code, resumed.output()).toBe(0);
    expect(resumed.output()).toMatch(/resume: 3 of 4 runs found/);
    expect(resumed.output()).toMatch(/local: 1 configurations on 1 processes/);
    expect(existsSync(join(report, 'runs', `${lost}.json`))).toBe(true);
    const after = JSON.parse(readFileSync(join(report, 'metrics.json'), 'utf8'));
    expect(after.runs.map((run: { id: string }) => run.id)).toEqual(
      metrics.runs.map((run: { id: string }) => run.id),
    );
  }, 240_000);

  it('--resume runs again a run file that is truncated or not a whole record, with a warning', async () => {
    const report = join(tempDir(), 'report');
    const args = ['sweep', '--grid', 'l2=0,1e-3', ...TINY, '--limit', '300', '--report', report];
    const first = track(startCli([...args, '--workers', '2']));
    expect((await first.exited).code, first.output()).toBe(0);
    const metrics = JSON.parse(readFileSync(join(report, 'metrics.json'), 'utf8'));
    const [a, b] = metrics.runs.map((run: { id: string }) =>
      join(report, 'runs', `${run.id}.json`),
    );
    writeFileSync(a, '{"name": "l2=0", "epo');
    writeFileSync(b, '{"name": "l2=0.001"}');
    const resumed = track(startCli([...args, '--resume', '--workers', '1']));
    expect((await resumed.exited).code, resumed.output()).toBe(0);
    const output = resumed.output();
    expect(output).not.toMatch(/unexpected error/);
    expect(output).toContain(`warning: --resume: ${a} is not a usable record (not readable JSON: `);
    expect(output).toContain(
      `warning: --resume: ${b} is not a usable record (no "config" object); running it again`,
    );
    expect(output).toMatch(/local: 2 configurations on 1 processes/);
    for (const file of [a, b])
      expect(JSON.parse(readFileSync(file, 'utf8')).epochs).toHaveLength(1);
  }, 240_000);

  it('SIGTERM: exit 143 (128 + 15) and a partial report; SIGINT: 130', async () => {
    for (const [signal, exit] of [
      ['SIGTERM', 143],
      ['SIGINT', 130],
    ] as const) {
      const report = join(tempDir(), 'report');
      const run = track(
        startCli([
          'sweep',
          '--grid',
          'l2=0,1e-3',
          ...TINY.slice(2),
          '--epochs',
          '50',
          '--limit',
          '300',
          '--report',
          report,
        ]),
      );
      await run.waitFor(/^local: 2 configurations/m, 60_000);
      process.kill(run.pid, signal);
      expect((await run.exited).code, run.output()).toBe(exit);
      expect(run.output()).toMatch(/2 missing \(interrupted; run again with --resume\)/);
      expect(JSON.parse(readFileSync(join(report, 'metrics.json'), 'utf8')).partial).toBe(true);
    }
  }, 240_000);

  it('rejects a bad grid with one line per problem and exit code 2, running nothing', async () => {
    const dir = tempDir();
    const report = join(dir, 'report');
    const run = track(
      startCli(['sweep', '--grid', 'l2=-1;nope=3', '--epochs', '0', '--report', report]),
    );
    expect((await run.exited).code).toBe(2);
    const lines = run.output().trim().split('\n');
    expect(lines).toEqual([
      'overfit: --epochs must be an integer in [1, 10000], got 0',
      'overfit: grid l2=-1: --l2 must be a number >= 0, got -1',
      expect.stringMatching(/^overfit: grid key "nope" is not one of /),
    ]);
    expect(existsSync(report)).toBe(false);
  });
});
