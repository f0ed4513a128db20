import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { killAll, type Started, startCli, startRedis } from './processes.testing.js';

// The database part of a --redis URL, against a real redis-server (16 databases, the default).
const started: Started[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'overfit-redis-url-'));
afterAll(() => {
  killAll(started.map((s) => s.pid));
  rmSync(scratch, { recursive: true, force: true });
});

async function overfit(args: string[]) {
  const cli = startCli(args);
  started.push(cli);
  const { code } = await cli.exited;
  return { code, lines: cli.output().trim().split('\n') };
}

describe('--redis URL database (built CLI, real redis-server)', () => {
  it('a database the server lacks fails in one line, and nothing is written to database 0', async () => {
    const { server, url } = await startRedis();
    started.push(server);
    const report = join(scratch, 'db99');
    const sweep = await overfit([
      'sweep',
      '--grid',
      'l2=0',
      '--limit',
      '300',
      '--redis',
      `${url}/99`,
      '--report',
      report,
    ]);
    expect(sweep.code).toBe(1);
    expect(sweep.lines.filter((l) => l.startsWith('overfit:'))).toEqual([
      `overfit: cannot use database 99 of Redis at ${url}/99: ERR DB index is out of range`,
    ]);
    expect(sweep.lines.join('\n')).not.toMatch(/ReplyError|\n\s+at /);
    expect(existsSync(report)).toBe(false);
    const worker = await overfit(['worker', '--redis', `${url}/16`]);
    expect(worker.code).toBe(1);
    expect(worker.lines).toEqual([
      `overfit: cannot use database 16 of Redis at ${url}/16: ERR DB index is out of range`,
    ]);
    const client = new Redis(url);
    try {
      expect(await client.dbsize()).toBe(0);
    } finally {
      client.disconnect();
    }
  });

  it('a server that is not Redis (HTTP) is named as such in one line, exit 1', async () => {
    const http = createServer((socket) => {
      socket.on('error', () => {});
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    try {
      const worker = await overfit(['worker', '--redis', `redis://127.0.0.1:${port}`]);
      expect(worker.code).toBe(1);
      expect(worker.lines).toEqual([
        `overfit: cannot reach Redis at redis://127.0.0.1:${port}: the server there does not speak Redis' protocol (its reply began with "H"); is it a Redis server?`,
      ]);
    } finally {
      http.close();
    }
  });

  it('a database that is not a number is refused before connecting (exit 2)', async () => {
    const report = join(scratch, 'dbabc');
    for (const command of [
      ['sweep', '--grid', 'l2=0', '--redis', 'redis://:pw@127.0.0.1:1/abc', '--report', report],
      ['worker', '--redis', 'redis://:pw@127.0.0.1:1/abc'],
    ]) {
      const run = await overfit(command);
      expect(run.code).toBe(2);
      expect(run.lines).toEqual([
        `overfit: --redis database (the URL's path) must be a number such as /0, got "/abc"`,
      ]);
    }
    expect(existsSync(report)).toBe(false);
  });
});
