import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './errors.js';
import { deserialize, register, registered, registryEntry, serialize } from './registry.js';

class Scaled {
  constructor(readonly factor: number) {}
  getConfig() {
    return { factor: this.factor };
  }
}
class Shifted extends Scaled {}
class Named {
  constructor(readonly label: string) {}
  getClassName() {
    return `TestNamed_${this.label}`;
  }
  getConfig() {
    return { label: this.label };
  }
}

register('TestScaled', 'penalty', (c) => new Scaled(c.factor as number), {
  cls: Scaled,
  meta: { x: 1 },
});
register('TestNamed_a', 'transform', (c) => new Named(c.label as string));

describe('registry', () => {
  it('round-trips a class found by constructor, subclasses included', () => {
    const json = serialize(new Scaled(3));
    expect(json).toEqual({ className: 'TestScaled', config: { factor: 3 } });
    const back = deserialize<Scaled>(JSON.stringify(json));
    expect(back).toBeInstanceOf(Scaled);
    expect(back.factor).toBe(3);
    expect(serialize(new Shifted(2)).className).toBe('TestScaled');
  });

  it('finds an object by its getClassName() first', () => {
    expect(serialize(new Named('a'))).toEqual({ className: 'TestNamed_a', config: { label: 'a' } });
    expect(() => serialize(new Named('b'))).toThrow(InvalidArgumentError);
  });

  it('lists entries by kind, with their meta', () => {
    expect(registered('penalty').map((e) => e.name)).toContain('TestScaled');
    expect(registered('transform').map((e) => e.name)).not.toContain('TestScaled');
    expect(registryEntry('TestScaled')!.meta).toEqual({ x: 1 });
  });

  it('rejects unknown classes, wrong kinds and taken names with clear errors', () => {
    expect(() => serialize({ getConfig: () => ({}) })).toThrow(/registered class/);
    expect(() => deserialize({ className: 'Nope', config: {} })).toThrow(
      /json.className must be a registered class .*TestScaled/,
    );
    expect(() => deserialize({ className: 'TestScaled', config: {} }, 'metric')).toThrow(
      /a registered metric/,
    );
    expect(() => deserialize({ config: {} } as never)).toThrow(/json must be an object/);
    expect(() => register('TestScaled', 'penalty', () => 1, { cls: Named })).toThrow(
      /a name not yet registered/,
    );
    expect(() => register('', 'penalty', () => 1)).toThrow(/name must be a non-empty string/);
    expect(() => register('X', 'nope' as never, () => 1)).toThrow(/kind must be one of/);
  });

  it('re-registering the same class under its name is allowed (a module loaded twice)', () => {
    expect(() =>
      register('TestScaled', 'penalty', (c) => new Scaled(c.factor as number), { cls: Scaled }),
    ).not.toThrow();
  });
});
