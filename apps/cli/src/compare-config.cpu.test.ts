import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from './args.js';
import {
  applyOverrides,
  COURSE_RUNS,
  CompareConfigError,
  readCompareConfig,
  validateCompareConfig,
} from './compare-config.js';

function problems(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CompareConfigError);
    return (error as CompareConfigError).problems;
  }
  throw new Error('expected a CompareConfigError');
}

describe('--config FILE.json', () => {
  it('reads configurations, camelCase or dashed keys, with augmentation specs', () => {
    expect(
      validateCompareConfig(
        {
          configurations: [
            { name: 'plain' },
            { name: 'decay', 'weight-decay': 0.0001, labelSmoothing: 0.1 },
            { name: 'aug', augment: 'rotate(10)', maxNorm: 3 },
          ],
        },
        'c.json',
      ),
    ).toEqual([
      { name: 'plain', overrides: {} },
      { name: 'decay', overrides: { weightDecay: 0.0001, labelSmoothing: 0.1 } },
      { name: 'aug', overrides: { augment: 'rotate(10)', maxNorm: 3 } },
    ]);
    expect(validateCompareConfig([{ l1: 0.001 }], 'c.json')).toEqual([
      { name: 'run 1', overrides: { l1: 0.001 } },
    ]);
  });

  it('gives one line per unknown key, wrong type and out-of-range value', () => {
    expect(
      problems(() =>
        validateCompareConfig(
          {
            configurations: [
              { name: 'a', l2: '0.01', bogus: 1 },
              { name: 'a', dropout: 1, l1: -0.5 },
              'l2',
              { name: 7, augment: 'spin(3)' },
            ],
            epochs: 3,
          },
          'c.json',
        ),
      ),
    ).toEqual([
      'c.json: epochs: unknown key (expected "configurations")',
      'c.json: configurations[0].l2 must be a number >= 0 (a JSON number), got "0.01"',
      'c.json: configurations[0].bogus: unknown key (allowed: name, l1, l2, dropout, dropconnect, weightDecay, labelSmoothing, maxNorm, augment)',
      'c.json: configurations[1].dropout must be a number in [0, 1), got 1',
      'c.json: configurations[1].l1 must be a number >= 0, got -0.5',
      'c.json: configurations[2] must be an object like { "name": "l2", "l2": 0.01 }, got "l2"',
      'c.json: configurations[3].name must be a non-empty string, got 7',
      expect.stringMatching(/^c\.json: configurations\[3\]\.augment: augmentation spec must be/),
      'c.json: two configurations are named "a"; names must differ',
    ]);
    expect(
      problems(() =>
        validateCompareConfig(
          [{ weightDecay: 0.1, 'weight-decay': 0.2, 'max-norm': 2, maxNorm: 'x' }],
          'c.json',
        ),
      ),
    ).toEqual([
      'c.json: configurations[0].weight-decay: weightDecay is given twice (camelCase and dashed spellings); give it once',
      'c.json: configurations[0].maxNorm: maxNorm is given twice (camelCase and dashed spellings); give it once',
    ]);
    // Names are printed to the terminal and into the report: no control characters.
    expect(
      problems(() =>
        validateCompareConfig([{ name: 'red\u001b[31m', l2: 0.01 }, { name: 'a\nb' }], 'c.json'),
      ),
    ).toEqual([
      'c.json: the configuration name "red\\u001b[31m" holds control characters (newline, tab, escape, ...); use printable text',
      'c.json: the configuration name "a\\nb" holds control characters (newline, tab, escape, ...); use printable text',
    ]);
    expect(problems(() => validateCompareConfig({ configurations: [] }, 'c.json'))).toEqual([
      'c.json: configurations must hold at least one configuration',
    ]);
    expect(problems(() => validateCompareConfig(3, 'c.json'))).toEqual([
      'c.json: must be a JSON object { "configurations": [...] } or a list, got 3',
    ]);
  });

  it('says when the file is missing or not JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'overfit-config-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ "configurations": [ }');
    await expect(readCompareConfig(bad)).rejects.toThrow(
      new RegExp(`^--config ${bad}: not valid JSON \\(`),
    );
    // A byte order mark (Notepad's UTF-8) is not an error.
    const bom = join(dir, 'bom.json');
    writeFileSync(bom, '\ufeff{ "configurations": [{ "name": "l2", "l2": 0.01 }] }');
    expect(await readCompareConfig(bom)).toEqual([{ name: 'l2', overrides: { l2: 0.01 } }]);
    await expect(readCompareConfig(join(dir, 'none.json'))).rejects.toThrow(
      `--config ${join(dir, 'none.json')}: cannot read it (ENOENT)`,
    );
  });
});

describe('configurations', () => {
  it('the default is the course assignment: none, L1 0.001, L2 0.01, dropout 0.15', () => {
    expect(COURSE_RUNS.map((r) => [r.name, r.overrides])).toEqual([
      ['none', {}],
      ['l1=0.001', { l1: 0.001 }],
      ['l2=0.01', { l2: 0.01 }],
      ['dropout=0.15', { dropout: 0.15 }],
    ]);
  });

  it('share everything but their regularizer', () => {
    const command = parseCommandLine(['compare', '--seed', '7', '--lr', '0.002', '--hidden', '64']);
    if (command.kind !== 'compare') throw new Error('compare expected');
    const configs = COURSE_RUNS.map((r) => applyOverrides(command.compare.base, r));
    for (const c of configs)
      expect(c).toMatchObject({ seed: 7, lr: 0.002, hidden: 64, depth: 3, batchSize: 128 });
    expect(configs.map((c) => [c.l1, c.l2, c.dropout])).toEqual([
      [null, null, null],
      [0.001, null, null],
      [null, 0.01, null],
      [null, null, 0.15],
    ]);
  });
});
