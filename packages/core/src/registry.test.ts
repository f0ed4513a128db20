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

  it('refuses configs JSON would change instead of saving null or dropping them', () => {
    const inf = new Scaled(Number.POSITIVE_INFINITY);
    expect(() => serialize(inf)).toThrow(
      'TestScaled config.factor must be JSON data (finite numbers, strings, booleans, null, arrays, plain objects) to be serialized, got Infinity',
    );
    expect(() => serialize(new Scaled([1, Number.NaN] as never))).toThrow(
      /TestScaled config.factor\[1\] must be JSON data .*got NaN/,
    );
    expect(() => serialize(new Scaled({ f: () => 1 } as never))).toThrow(
      /config.factor.f must be JSON data .*got a function/,
    );
    expect(() => serialize(new Scaled(2n as never))).toThrow(/got 2n/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => serialize(new Scaled(cyclic as never))).toThrow(/config.factor.self must be JSON/);
    // undefined members mean "default" and are left out; shared (non-cyclic) objects are fine
    const shared = { a: 1 };
    expect(serialize(new Scaled({ x: undefined, p: shared, q: shared } as never)).config).toEqual({
      factor: { p: { a: 1 }, q: { a: 1 } },
    });
  });

  it('refuses text that is not JSON with an InvalidArgumentError', () => {
    expect(() => deserialize('{"className": "TestScaled",')).toThrow(InvalidArgumentError);
    expect(() => deserialize('{"className": "TestScaled",')).toThrow(
      /^json must be JSON text of an object \{ className, config \}/,
    );
    expect(() => deserialize('[1]')).toThrow(/json must be an object/);
    expect(() => deserialize('{"className":"TestScaled","config":[1]}')).toThrow(
      'json.config must be an object, got [1]',
    );
  });

  it('re-registering the same class under its name is allowed (a module loaded twice)', () => {
    expect(() =>
      register('TestScaled', 'penalty', (c) => new Scaled(c.factor as number), { cls: Scaled }),
    ).not.toThrow();
  });
});
