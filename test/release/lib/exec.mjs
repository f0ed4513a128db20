import { spawn } from 'node:child_process';

/** A step that failed: carries the command's output so the report says why. */
export class StepError extends Error {}

const running = new Set();

/** Stops (by PID) every command still running, for a clean exit on failure or Ctrl-C. */
export function stopRunningCommands() {
  for (const child of running) {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGTERM');
  }
}

/**
 * Runs a command to completion with its output captured; rejects with the output when it exits
 * non-zero (or, with `expectFailure`, when it succeeds).
 */
export function exec(command, args, { cwd, env, expectFailure = false, timeoutMs = 300_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      running.delete(child);
      clearTimeout(timer);
      reject(new StepError(`${command} could not start: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      running.delete(child);
      clearTimeout(timer);
      const failed = code !== 0;
      if (failed !== expectFailure) {
        const what = expectFailure
          ? 'succeeded but was expected to fail'
          : `failed (${signal ?? `exit ${code}`})`;
        reject(new StepError(`${command} ${args.join(' ')} ${what} in ${cwd}\n${output}`));
      } else {
        resolve(output);
      }
    });
  });
}

/** Times a named step and prints one line for it when it ends (steps may run side by side). */
export async function step(name, fn) {
  const start = performance.now();
  try {
    const result = await fn();
    console.log(`- ${name} ... ok (${((performance.now() - start) / 1000).toFixed(1)} s)`);
    return result;
  } catch (error) {
    console.log(`- ${name} ... FAILED`);
    throw error;
  }
}

/** Runs `fn` over `items`, at most `limit` at a time; rejects with the first failure. */
export async function inParallel(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index], index);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
