// Test support (not shipped): real processes started on 127.0.0.1 and stopped by PID.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The built CLI (turbo builds it before this package's tests). */
export const CLI = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** A port nothing listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** A started process with its output so far. */
export interface Started {
  child: ChildProcess;
  pid: number;
  output: () => string;
  /** Resolves with the first match of `pattern` in stdout+stderr, rejects after `timeoutMs`. */
  waitFor: (pattern: RegExp, timeoutMs: number) => Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function start(
  command: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Started {
  const child = spawn(command, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  let text = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    text += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    pid: child.pid,
    output: () => text,
    exited,
    waitFor: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = text.match(pattern);
          if (!match) return;
          done();
          resolve(match);
        };
        const timer = setTimeout(() => {
          done();
          reject(
            new Error(`timed out after ${timeoutMs} ms waiting for ${pattern}; output:\n${text}`),
          );
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      }),
  };
}

/** `node dist/main.js ...args`. */
export function startCli(args: readonly string[]): Started {
  return start(process.execPath, [CLI, ...args]);
}

/** Debian's redis-server on 127.0.0.1, no persistence (nothing written to disk). */
export async function startRedis(
  extraArgs: readonly string[] = [],
): Promise<{ server: Started; url: string; port: number }> {
  if (spawnSync('redis-server', ['--version']).error)
    throw new Error(
      'redis-server is not installed: apt-get install -y --no-install-recommends redis-server (.ci/run does)',
    );
  const port = await freePort();
  const server = start('redis-server', [
    ...extraArgs,
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
  ]);
  await server.waitFor(/Ready to accept connections/, 20_000);
  return { server, url: `redis://127.0.0.1:${port}`, port };
}

/** True while a process with this PID exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGKILLs each PID that is still alive (never by name). */
export function killAll(pids: Iterable<number>): void {
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
}

/** PIDs of the training processes a worker's output announced. */
export function trainingPids(output: string): number[] {
  return [...output.matchAll(/training process (\d+)/g)].map((m) => Number(m[1]));
}

/**
 * A throw-away CA and a server certificate for 127.0.0.1 (openssl), in `dir`: what a TLS
 * redis-server is started with and what `--redis-ca` is given.
 */
export function makeTlsCertificates(dir: string): { ca: string; cert: string; key: string } {
  const files = { ca: `${dir}/ca.pem`, cert: `${dir}/server.pem`, key: `${dir}/server.key` };
  const openssl = (...args: string[]) => {
    const run = spawnSync('openssl', args, { encoding: 'utf8', cwd: dir });
    if (run.error || run.status !== 0)
      throw new Error(`openssl ${args[0]} failed: ${run.error?.message ?? run.stderr}`);
  };
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    files.ca,
    '-days',
    '1',
    '-subj',
    '/CN=overfit test CA',
  );
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    files.key,
    '-out',
    'server.csr',
    '-subj',
    '/CN=127.0.0.1',
  );
  writeFileSync(`${dir}/ext.cnf`, 'subjectAltName=IP:127.0.0.1\n');
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    files.ca,
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    files.cert,
    '-days',
    '1',
    '-extfile',
    'ext.cnf',
  );
  return files;
}
