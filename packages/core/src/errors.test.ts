import { describe, expect, it, vi } from 'vitest';
import {
  DataFormatError,
  InvalidArgumentError,
  NonFiniteError,
  OverfitError,
  ShapeError,
  UnsupportedBackendError,
} from './errors.js';

/** A second, independent copy of the module: what a CJS build next to the ESM one amounts to. */
async function otherCopy(): Promise<typeof import('./errors.js')> {
  vi.resetModules();
  const copy = await import('./errors.js');
  expect(copy.OverfitError).not.toBe(OverfitError);
  return copy;
}

describe('errors', () => {
  it('name each class and extend OverfitError and Error', () => {
    const errors = [
      new InvalidArgumentError('rate', 1.2, 'a number in [0, 1)'),
      new ShapeError('shapes differ'),
      new NonFiniteError('loss', 3),
      new UnsupportedBackendError('no'),
      new DataFormatError('truncated'),
      new OverfitError('base'),
    ];
    expect(errors.map((e) => e.name)).toEqual([
      'InvalidArgumentError',
      'ShapeError',
      'NonFiniteError',
      'UnsupportedBackendError',
      'DataFormatError',
      'OverfitError',
    ]);
    for (const e of errors) {
      expect(e).toBeInstanceOf(OverfitError);
      expect(e).toBeInstanceOf(Error);
      expect(String(e)).toBe(`${e.name}: ${e.message}`);
      expect(e.stack!.split('\n')[0]).toBe(`${e.name}: ${e.message}`);
    }
    expect(errors[0]).not.toBeInstanceOf(ShapeError);
    expect(new Error('x')).not.toBeInstanceOf(OverfitError);
    expect((null as unknown) instanceof OverfitError).toBe(false);
    expect(('InvalidArgumentError' as unknown) instanceof InvalidArgumentError).toBe(false);
    expect(errors[0]!.message).toBe('rate must be a number in [0, 1), got 1.2');
    expect(errors[2]!.message).toBe('loss is not finite at step 3');
  });

  it('subclasses elsewhere keep their class name and are OverfitErrors', () => {
    class UsageError extends OverfitError {}
    const e = new UsageError('bad flag');
    expect(e.name).toBe('UsageError');
    expect(e).toBeInstanceOf(UsageError);
    expect(e).toBeInstanceOf(OverfitError);
    expect(e).not.toBeInstanceOf(InvalidArgumentError);
    expect(new OverfitError('x')).not.toBeInstanceOf(UsageError);
  });

  it('instanceof recognizes errors thrown by another copy of core (ESM and CJS builds)', async () => {
    const copy = await otherCopy();
    const theirs = new copy.InvalidArgumentError('epochs', 0, 'an integer >= 1');
    expect(theirs).toBeInstanceOf(InvalidArgumentError);
    const caught: unknown = theirs;
    // instanceof still narrows for TypeScript
    if (caught instanceof InvalidArgumentError) expect(caught.argument).toBe('epochs');
    else expect.unreachable();
    expect(theirs).toBeInstanceOf(OverfitError);
    expect(theirs).not.toBeInstanceOf(ShapeError);
    expect(new ShapeError('s')).toBeInstanceOf(copy.ShapeError);
    expect(new ShapeError('s')).toBeInstanceOf(copy.OverfitError);
    expect(new OverfitError('base')).not.toBeInstanceOf(copy.InvalidArgumentError);
    expect(Object.assign(new Error('x'), { name: 'OverfitError' })).not.toBeInstanceOf(
      OverfitError,
    );
  });

  it('keeps its names when a minifier renames the classes', async () => {
    const copy = await otherCopy();
    Object.defineProperty(copy.InvalidArgumentError, 'name', { value: 'e' });
    Object.defineProperty(copy.OverfitError, 'name', { value: 't' });
    const e = new copy.InvalidArgumentError('p', 2, 'a number in [0, 1]');
    expect(e.name).toBe('InvalidArgumentError');
    expect(e).toBeInstanceOf(InvalidArgumentError);
  });
});
