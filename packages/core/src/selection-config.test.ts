import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './errors.js';
import { nameMatcher } from './params.js';
import {
  nameFilterFromConfig,
  nameFilterToConfig,
  selectionFromConfig,
  selectionToConfig,
} from './selection-config.js';

const names = ['hidden_1', 'hidden_2', 'output', 'HIDDEN_3'];

describe('NameFilter as JSON', () => {
  it('round-trips names and patterns (flags kept, g and y dropped) through JSON text', () => {
    for (const filter of [['output'], /^hidden_/g, [/^hidden_/i, 'output'], [/_\d$/y]]) {
      const json = JSON.parse(JSON.stringify(nameFilterToConfig('layers', filter)));
      const back = nameFilterFromConfig('layers', json);
      expect(names.filter(nameMatcher('layers', back))).toEqual(
        names.filter(nameMatcher('layers', filter)),
      );
    }
    expect(nameFilterToConfig('layers', [/^a/gi, 'b'])).toEqual([
      { pattern: '^a', flags: 'i' },
      'b',
    ]);
  });

  it('refuses a predicate, and configs that are not names and patterns', () => {
    expect(() => nameFilterToConfig('options.layers', () => true)).toThrow(
      /options\.layers must be names or RegExps to be serialized/,
    );
    const bad: [unknown, RegExp][] = [
      ['output', /layers must be an array of names and \{ pattern, flags \}/],
      [[3], /layers\[0\] must be a name or \{ pattern: string, flags: string \}/],
      [[{ pattern: '(', flags: '' }], /layers\[0\] must be a valid RegExp/],
      [[{ pattern: 'a', flags: 'q' }], /layers\[0\] must be a valid RegExp/],
    ];
    for (const [config, message] of bad) {
      expect(() => nameFilterFromConfig('layers', config)).toThrow(InvalidArgumentError);
      expect(() => nameFilterFromConfig('layers', config)).toThrow(message);
    }
  });

  it('a selection: layers kept, nothing when none, an own select refused', () => {
    expect(selectionToConfig('options', {})).toEqual({});
    expect(selectionToConfig('options', { layers: ['output'] })).toEqual({ layers: ['output'] });
    expect(selectionFromConfig('options', {})).toEqual({});
    expect(selectionFromConfig('options', { layers: ['output'] })).toEqual({ layers: ['output'] });
    expect(() => selectionToConfig('options', { select: () => true })).toThrow(
      /options\.select must be left out to be serialized/,
    );
  });
});
