import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(url, child, logFile, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`verdaccio exited with ${child.exitCode}:\n${readFileSync(logFile, 'utf8')}`);
    }
    try {
      const response = await fetch(`${url}-/ping`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`verdaccio did not answer ${url}-/ping within ${timeoutMs} ms`);
}

/**
 * Starts Verdaccio on 127.0.0.1 on a free port with storage, config and users under `root`.
 * No uplinks: only what is published to it can be installed from it (consumers take everything
 * but @overfit/* from the npm registry through a scoped registry setting).
 */
export async function startRegistry(root) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const configFile = join(root, 'verdaccio.yaml');
  writeFileSync(
    configFile,
    [
      `storage: ${join(root, 'storage')}`,
      'auth:',
      '  htpasswd:',
      `    file: ${join(root, 'htpasswd')}`,
      // JWT tokens: the legacy ones re-check the bcrypt password on every request (~0.4 s each).
      'security:',
      '  api:',
      '    jwt:',
      '      sign:',
      '        expiresIn: 1h',
      'uplinks: {}',
      'packages:',
      "  '@overfit/*':",
      '    access: $all',
      '    publish: $authenticated',
      "  '**':",
      '    access: $all',
      '    publish: $authenticated',
      'web:',
      '  enable: false',
      'log: { type: stdout, format: pretty, level: warn }',
      '',
    ].join('\n'),
  );
  const logFile = join(root, 'verdaccio.log');
  const log = openSync(logFile, 'a');
  const bin = join(dirname(require.resolve('verdaccio/package.json')), 'bin', 'verdaccio');
  const child = spawn(
    process.execPath,
    [bin, '--config', configFile, '--listen', `127.0.0.1:${port}`],
    {
      stdio: ['ignore', log, log],
    },
  );
  closeSync(log);
  const registry = {
    url,
    port,
    pid: child.pid,
    logFile,
    token: '',
    /** Stops the registry by its PID (TERM, then KILL after 5 s). */
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (child.exitCode === null) process.kill(child.pid, 'SIGKILL');
      }, 5000);
      await exited;
      clearTimeout(timer);
    },
  };
  try {
    await waitUntilUp(url, child, logFile);
    // A throw-away user; its token authorizes the publishes.
    const response = await fetch(`${url}-/user/org.couchdb.user:release-test`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'release-test', password: `pw-${port}-${Date.now()}` }),
    });
    const body = await response.json();
    if (!response.ok || typeof body.token !== 'string') {
      throw new Error(
        `verdaccio refused the test user: ${response.status} ${JSON.stringify(body)}`,
      );
    }
    registry.token = body.token;
  } catch (error) {
    await registry.stop();
    throw error;
  }
  return registry;
}
