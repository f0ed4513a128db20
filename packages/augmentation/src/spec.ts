import { InvalidArgumentError } from '@overfit/core';
import type { Augmentation } from './augmentation.js';
import { Pipeline } from './compose.js';
import { affine, horizontalFlip, randomCrop } from './geometric.js';
import { colorJitter, gamma, gaussianNoise, intensityShift } from './photometric.js';
import './registry.js'; // every transform registered before a spec is read
import { registeredTransforms, type TransformFactory } from './transform-registry.js';

/**
 * Named presets, each a fresh {@link Pipeline}.
 * - `mnist`: the course's CNN lab: rotation ±10°, translation up to 10%, brightness and
 *   contrast 0.2; no flips (mirrored digits are not digits).
 * - `cifar`: the classic 32x32 recipe: 4-pixel padded random crop, horizontal flip.
 * - `medical`: small affine, gamma and intensity shift, light noise; no flips, small angles.
 */
export const presets = {
  mnist: () =>
    new Pipeline([
      affine({ degrees: 10, translate: 0.1 }),
      colorJitter({ brightness: 0.2, contrast: 0.2 }),
    ]),
  cifar: () => new Pipeline([randomCrop({ size: 32, padding: 4 }), horizontalFlip()]),
  medical: () =>
    new Pipeline([
      affine({ degrees: 10, translate: 0.05, scale: 0.05 }),
      gamma({ factor: 0.2 }),
      intensityShift({ factor: 0.1 }),
      gaussianNoise({ std: [0, 0.03] }),
    ]),
} as const;

/**
 * Spec name -> the transform and the options its positional arguments set, read from the
 * registry: each transform's config name (lowercase) and aliases, as registered with it.
 */
function specTable(): Record<string, [TransformFactory, readonly string[]]> {
  const table: Record<string, [TransformFactory, readonly string[]]> = {};
  for (const { name, meta } of registeredTransforms()) {
    for (const key of [name.toLowerCase(), ...meta.aliases])
      table[key] = [meta.factory, meta.positional];
  }
  return table;
}

type Value = number | boolean | string | Value[];

/** A tiny recursive-descent parser over the spec string; errors name the position. */
class SpecParser {
  private i = 0;
  constructor(private readonly text: string) {}

  private fail(what: string): never {
    throw new InvalidArgumentError(
      'augmentation spec',
      this.text,
      `${what} (at character ${this.i + 1})`,
    );
  }
  private skip(): void {
    while (this.i < this.text.length && /\s/.test(this.text[this.i]!)) this.i++;
  }
  private peek(): string {
    this.skip();
    return this.text[this.i] ?? '';
  }
  private eat(ch: string): boolean {
    if (this.peek() !== ch) return false;
    this.i++;
    return true;
  }
  private word(): string {
    this.skip();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.i));
    if (!m) this.fail('a transform name like rotate(15)');
    this.i += m[0].length;
    return m[0];
  }
  private value(): Value {
    this.skip();
    if (this.eat('[')) {
      const items: Value[] = [];
      if (!this.eat(']')) {
        do items.push(this.value());
        while (this.eat(','));
        if (!this.eat(']')) this.fail("']'");
      }
      return items;
    }
    const num = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?/i.exec(this.text.slice(this.i));
    if (num) {
      this.i += num[0].length;
      return Number(num[0]);
    }
    const w = this.word();
    return w === 'true' ? true : w === 'false' ? false : w;
  }
  /** `name(a, b, key=value)` -> name, positional values, keyword values. */
  private item(): { name: string; positional: Value[]; keywords: Record<string, Value> } {
    const name = this.word();
    const positional: Value[] = [];
    const keywords: Record<string, Value> = {};
    if (this.eat('(') && !this.eat(')')) {
      do {
        const save = this.i;
        const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(this.text.slice(this.i));
        if (m) {
          this.i += m[0].length;
          keywords[m[1]!] = this.value();
        } else {
          this.i = save;
          if (Object.keys(keywords).length) this.fail('positional arguments before key=value ones');
          positional.push(this.value());
        }
      } while (this.eat(','));
      if (!this.eat(')')) this.fail("')' or ','");
    }
    return { name, positional, keywords };
  }
  parse(): Augmentation[] {
    const out: Augmentation[] = [];
    if (!this.peek()) this.fail('at least one transform');
    do {
      const { name, positional, keywords } = this.item();
      out.push(...build(name, positional, keywords, this.text));
    } while (this.eat(','));
    if (this.peek()) this.fail("',' between transforms");
    return out;
  }
}

function build(
  name: string,
  positional: Value[],
  keywords: Record<string, Value>,
  text: string,
): Augmentation[] {
  const key = name.toLowerCase();
  if (key in presets) {
    if (positional.length || Object.keys(keywords).length)
      throw new InvalidArgumentError(`preset ${name}`, text, 'used without arguments');
    return presets[key as keyof typeof presets]().transforms;
  }
  const spec = specTable();
  const entry = Object.hasOwn(spec, key) ? spec[key] : undefined;
  if (!entry) {
    throw new InvalidArgumentError(
      'augmentation spec',
      name,
      `a transform name (${Object.keys(spec).sort().join(', ')}) or a preset (${Object.keys(presets).join(', ')})`,
    );
  }
  const [factory, order] = entry;
  if (positional.length > order.length) {
    throw new InvalidArgumentError(
      `${name}(...)`,
      positional,
      `at most ${order.length} positional argument${order.length === 1 ? '' : 's'}${order.length ? ` (${order.join(', ')})` : ''}`,
    );
  }
  const options: Record<string, Value> = {};
  positional.forEach((v, i) => {
    options[order[i]!] = v;
  });
  for (const [k, v] of Object.entries(keywords)) {
    if (k in options) throw new InvalidArgumentError(`${name}(...).${k}`, v, 'given once');
    options[k] = v;
  }
  return [factory(options)];
}

/**
 * Parses a CLI-style spec into a {@link Pipeline}: comma-separated `name(args)` items,
 * positional arguments in each transform's documented order, then `key=value` options;
 * values are numbers, `true`/`false`, words (`reflect`) or `[lists]`. A preset name
 * (`mnist`, `cifar`, `medical`) expands to its transforms.
 *
 * @example
 * parseAugmentationSpec('rotate(15),translate(0.1),erase(0.5)');
 * parseAugmentationSpec('mnist, elastic(34, 4, p=0.3)');
 */
export function parseAugmentationSpec(spec: string): Pipeline {
  if (typeof spec !== 'string')
    throw new InvalidArgumentError(
      'augmentation spec',
      spec,
      'a string like "rotate(15),erase(0.5)"',
    );
  return new Pipeline(new SpecParser(spec).parse());
}
