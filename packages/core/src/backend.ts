import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, OverfitError } from './errors.js';
import { checkKnownKeys } from './validate.js';

/** A backend to try: its registered name, and optionally how to load (register) it first. */
export type BackendCandidate = string | { name: string; load?: () => Promise<unknown> };

/** One attempt of {@link selectBackend}. */
export interface BackendAttempt {
  name: string;
  ok: boolean;
  /** Why it failed: the load error's first line, `not registered`, `initialization failed`, or the smoke op's error. */
  reason?: string;
}

/** The backend {@link selectBackend} settled on, and every attempt up to it. */
export interface BackendChoice {
  name: string;
  attempts: BackendAttempt[];
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n', 1)[0]!.trim() || 'failed';
}

async function tryBackend(candidate: {
  name: string;
  load?: () => Promise<unknown>;
}): Promise<string | undefined> {
  if (candidate.load) {
    try {
      await candidate.load();
    } catch (error) {
      return firstLine(error);
    }
  }
  if (!tf.findBackendFactory(candidate.name)) return 'not registered';
  let ok: boolean;
  try {
    ok = await tf.setBackend(candidate.name);
  } catch (error) {
    return `initialization failed: ${firstLine(error)}`;
  }
  if (!ok) return 'initialization failed';
  try {
    await tf.ready();
    // A backend can initialize and still miss basic kernels (or fail on first use, e.g. a lost GPU).
    const sum = tf.tidy(() => tf.sum(tf.mul(tf.tensor1d([1, 2, 3]), tf.scalar(2))));
    const value = (await sum.data())[0];
    sum.dispose();
    if (value !== 12) return `smoke test computed ${value}, expected 12`;
  } catch (error) {
    return `smoke test failed: ${firstLine(error)}`;
  }
  return undefined;
}

/**
 * Picks the first backend of `candidates` that loads, is registered, initializes and computes
 * a small smoke op, and makes it the active tfjs backend. For each candidate in order:
 * `load()` if given (e.g. `() => import('@tensorflow/tfjs-node-gpu')`; a throw fails the attempt
 * with the error's first line), then `tf.findBackendFactory(name)` (else `not registered`), then
 * `await tf.setBackend(name)` (false: `initialization failed`), then the smoke op. Throws an
 * {@link OverfitError} listing every reason when none works, leaving the previous backend active.
 * Apps call this; packages never import a backend.
 *
 * @example
 * const choice = await selectBackend([
 *   { name: 'tensorflow', load: () => import('@tensorflow/tfjs-node') },
 *   { name: 'wasm', load: () => import('@tensorflow/tfjs-backend-wasm') },
 *   'cpu',
 * ], { log: console.log });
 * console.log(describeBackendChoice(choice)); // backend: wasm (tensorflow: Cannot find module ...)
 */
export async function selectBackend(
  candidates: BackendCandidate[],
  options: { log?: (line: string) => void } = {},
): Promise<BackendChoice> {
  checkKnownKeys('options', options, ['log']);
  if (options.log !== undefined && typeof options.log !== 'function')
    throw new InvalidArgumentError('options.log', options.log, 'a function');
  if (!Array.isArray(candidates) || candidates.length === 0)
    throw new InvalidArgumentError(
      'candidates',
      candidates,
      'a non-empty array of backend names or { name, load }',
    );
  const normalized = candidates.map((c, i) => {
    const candidate = typeof c === 'string' ? { name: c } : c;
    if (
      !candidate ||
      typeof candidate.name !== 'string' ||
      candidate.name === '' ||
      (candidate.load !== undefined && typeof candidate.load !== 'function')
    ) {
      throw new InvalidArgumentError(
        `candidates[${i}]`,
        c,
        'a backend name or { name: string; load?: () => Promise<unknown> }',
      );
    }
    return candidate;
  });
  const previous = tf.engine().backendName ?? undefined;
  const attempts: BackendAttempt[] = [];
  for (const candidate of normalized) {
    const reason = await tryBackend(candidate);
    attempts.push(
      reason === undefined
        ? { name: candidate.name, ok: true }
        : { name: candidate.name, ok: false, reason },
    );
    options.log?.(
      reason === undefined
        ? `backend ${candidate.name}: ok`
        : `backend ${candidate.name}: ${reason}`,
    );
    if (reason === undefined) return { name: candidate.name, attempts };
  }
  // A failed smoke test may have left a broken backend active: go back to what was there.
  if (previous !== undefined && tf.engine().backendName !== previous) await tf.setBackend(previous);
  throw new OverfitError(
    `no usable tfjs backend (${attempts.map((a) => `${a.name}: ${a.reason}`).join('; ')})`,
  );
}

/**
 * One line for logs and reports: `backend: wasm (tensorflow: Cannot find module ...; webgpu: not registered)`,
 * or `backend: cpu` when the first candidate worked.
 *
 * @example
 * describeBackendChoice({ name: 'cpu', attempts: [{ name: 'webgpu', ok: false, reason: 'not registered' }, { name: 'cpu', ok: true }] });
 * // 'backend: cpu (webgpu: not registered)'
 */
export function describeBackendChoice(choice: BackendChoice): string {
  const failed = choice.attempts
    .filter((a) => !a.ok)
    .map((a) => `${a.name}: ${a.reason ?? 'failed'}`);
  return `backend: ${choice.name}${failed.length ? ` (${failed.join('; ')})` : ''}`;
}
