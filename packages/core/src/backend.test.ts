import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { testBackend } from '../../../test/backend.js';
import { describeBackendChoice, selectBackend } from './backend.js';
import { InvalidArgumentError, OverfitError } from './errors.js';

/** A backend that registers and initializes but can do nothing (no memory, no kernels). */
class EmptyBackend extends tf.KernelBackend {
  override dispose(): void {}
}

const fakeBackends = ['overfit-broken-init', 'overfit-empty'];

afterEach(async () => {
  await tf.setBackend(testBackend);
  for (const name of fakeBackends) if (tf.findBackendFactory(name)) tf.removeBackend(name);
});

describe('selectBackend', () => {
  it('skips candidates that fail to load or are not registered, and activates the first that works', async () => {
    const lines: string[] = [];
    let loaded = 0;
    const choice = await selectBackend(
      [
        {
          name: 'tensorflow',
          load: () =>
            Promise.reject(
              new Error(
                "Cannot find module '@tensorflow/tfjs-node'\nRequire stack:\n- /app/cli.js",
              ),
            ),
        },
        'webgpu',
        {
          name: testBackend,
          load: async () => {
            loaded++;
          },
        },
        'cpu',
      ],
      { log: (line) => lines.push(line) },
    );
    expect(choice).toEqual({
      name: testBackend,
      attempts: [
        { name: 'tensorflow', ok: false, reason: "Cannot find module '@tensorflow/tfjs-node'" },
        { name: 'webgpu', ok: false, reason: 'not registered' },
        { name: testBackend, ok: true },
      ],
    });
    expect(loaded).toBe(1);
    expect(tf.getBackend()).toBe(testBackend);
    expect(lines).toEqual([
      "backend tensorflow: Cannot find module '@tensorflow/tfjs-node'",
      'backend webgpu: not registered',
      `backend ${testBackend}: ok`,
    ]);
    expect(describeBackendChoice(choice)).toBe(
      `backend: ${testBackend} (tensorflow: Cannot find module '@tensorflow/tfjs-node'; webgpu: not registered)`,
    );
  });

  it('switches to another registered backend', async () => {
    const other = testBackend === 'cpu' ? 'wasm' : 'cpu';
    const choice = await selectBackend([other]);
    expect(choice.name).toBe(other);
    expect(tf.getBackend()).toBe(other);
    expect(describeBackendChoice(choice)).toBe(`backend: ${other}`);
  });

  it('reports backends that fail to initialize or fail the smoke op, and throws when none works', async () => {
    tf.registerBackend('overfit-broken-init', () => {
      throw new Error('no adapter\nmore detail');
    });
    tf.registerBackend('overfit-empty', () => new EmptyBackend());
    const warn = console.warn;
    console.warn = () => {}; // tfjs logs the failed initialization itself
    let error: unknown;
    try {
      await selectBackend(['overfit-broken-init', 'overfit-empty', 'nope']);
    } catch (e) {
      error = e;
    } finally {
      console.warn = warn;
    }
    expect(error).toBeInstanceOf(OverfitError);
    const message = (error as Error).message;
    expect(message).toMatch(
      /^no usable tfjs backend \(overfit-broken-init: initialization failed; overfit-empty: smoke test failed: .+; nope: not registered\)$/,
    );
    // the broken backend that passed initialization is not left active
    expect(tf.getBackend()).toBe(testBackend);
  });

  it('validates its arguments', async () => {
    await expect(selectBackend([])).rejects.toThrow(InvalidArgumentError);
    await expect(selectBackend([{ name: '' }])).rejects.toThrow(
      /candidates\[0\] must be a backend name/,
    );
    await expect(selectBackend(['cpu'], { logger: () => {} } as never)).rejects.toThrow(
      /options.logger/,
    );
  });

  it('leaks no tensors', async () => {
    await selectBackend([testBackend]);
    const before = tf.memory().numTensors;
    await selectBackend([testBackend]);
    await selectBackend([testBackend]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('describeBackendChoice', () => {
  it('lists only the failed attempts', () => {
    expect(
      describeBackendChoice({
        name: 'cpu',
        attempts: [
          { name: 'webgpu', ok: false, reason: 'not registered' },
          { name: 'cpu', ok: true },
        ],
      }),
    ).toBe('backend: cpu (webgpu: not registered)');
  });
});
