import { spawn } from 'node:child_process';

/** A step that failed: carries the command's output so the report says why. */
export class StepError extends Error {}

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
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new StepError(`${command} could not start: ${error.message}`));
    });
    child.on('close', (code, signal) => {
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

/** Times a named step and prints one line for it. */
export async function step(name, fn) {
  const start = performance.now();
  process.stdout.write(`- ${name} ... `);
  try {
    const result = await fn();
    process.stdout.write(`ok (${((performance.now() - start) / 1000).toFixed(1)} s)\n`);
    return result;
  } catch (error) {
    process.stdout.write('FAILED\n');
    throw error;
  }
}
