import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson, configId, groupId, sweepId } from './config-id.js';
import { parseGrid, planSweep, type SweepSpec, SweepUsageError } from './plan.js';
import { finalValMacroF1, rankResults, spread } from './ranking.js';
import type { RunRecord } from './run-job.js';
import { parseSweepCommandLine, redactUrl } from './sweep-args.js';

function spec(overrides: Partial<SweepSpec>): SweepSpec {
  return {
    grid: [],
    configurations: [],
    random: null,
    seeds: 1,
    sampleSeed: 1,
    base: [],
    ...overrides,
  };
}

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof SweepUsageError) return error.problems;
    throw error;
  }
  throw new Error('expected a SweepUsageError');
}

function sweepOptions(...argv: string[]) {
  const command = parseSweepCommandLine(['sweep', ...argv]);
  if (command.kind !== 'sweep') throw new Error(`expected a sweep, got ${command.kind}`);
  return command.options;
}

describe('config ids', () => {
  it('hash canonical JSON: key order does not matter, any value does', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}',
    );
    expect(configId({ l2: 0.001, depth: 2 })).toBe(configId({ depth: 2, l2: 0.001 }));
    expect(configId({ l2: 0.001, depth: 2 })).not.toBe(configId({ l2: 0.001, depth: 3 }));
    expect(configId({ l2: 0.001 })).toMatch(/^[0-9a-f]{12}$/);
    expect(groupId({ seed: 1, l2: 0 })).toBe(groupId({ seed: 2, l2: 0 }));
    expect(sweepId(['b', 'a'])).toBe(sweepId(['a', 'b']));
  });
});

describe('planSweep', () => {
  it('expands the grid as a cartesian product, first key slowest, each config validated', () => {
    const grid = parseGrid('l2=0,1e-3,1e-2;dropout=0,0.15;depth=2,4', []);
    const runs = planSweep(spec({ grid, base: ['--epochs', '2'] }));
    expect(runs).toHaveLength(12);
    expect(runs[0]!.name).toBe('l2=0 dropout=0 depth=2');
    expect(runs[1]!.name).toBe('l2=0 dropout=0 depth=4');
    expect(runs[11]!.name).toBe('l2=1e-2 dropout=0.15 depth=4');
    expect(runs[11]!.config).toMatchObject({
      l2: 0.01,
      dropout: 0.15,
      depth: 4,
      epochs: 2,
      report: null,
    });
    expect(new Set(runs.map((r) => r.id)).size).toBe(12);
  });

  it('gives the same ids to the same configurations however the grid is written', () => {
    const a = planSweep(spec({ grid: parseGrid('l2=0,1e-3;depth=2', []) }));
    const b = planSweep(spec({ grid: parseGrid('depth=2;l2=0.001,0', []) }));
    expect(new Set(a.map((r) => r.id))).toEqual(new Set(b.map((r) => r.id)));
  });

  it('runs each point with seeds s..s+K-1, grouped by the configuration without seed', () => {
    const runs = planSweep(
      spec({ grid: parseGrid('l2=0,1e-3', []), seeds: 3, base: ['--seed', '5'] }),
    );
    expect(runs.map((r) => r.config.seed)).toEqual([5, 6, 7, 5, 6, 7]);
    expect(runs[0]!.name).toBe('l2=0 seed=5');
    expect(runs[0]!.groupName).toBe('l2=0');
    expect(new Set(runs.map((r) => r.groupId)).size).toBe(2);
    expect(runs[0]!.groupId).toBe(runs[2]!.groupId);
  });

  it('samples --random N distinct points, the same ones for the same seed', () => {
    const grid = parseGrid('l2=0,1e-4,1e-3,1e-2;dropout=0,0.1,0.2,0.3;depth=1,2,3', []);
    const a = planSweep(spec({ grid, random: 5, sampleSeed: 7 }));
    const b = planSweep(spec({ grid, random: 5, sampleSeed: 7 }));
    const c = planSweep(spec({ grid, random: 5, sampleSeed: 8 }));
    expect(a).toHaveLength(5);
    expect(new Set(a.map((r) => r.id)).size).toBe(5);
    expect(a.map((r) => r.id)).toEqual(b.map((r) => r.id));
    expect(c.map((r) => r.id)).not.toEqual(a.map((r) => r.id));
    expect(planSweep(spec({ grid, random: 48 }))).toHaveLength(48);
  });

  it('grids over switches with true / false', () => {
    const runs = planSweep(spec({ grid: parseGrid('batch-norm=true,false;depth=2', []) }));
    expect(runs.map((r) => [r.name, r.config.batchNorm])).toEqual([
      ['batch-norm=true depth=2', true],
      ['batch-norm=false depth=2', false],
    ]);
    expect(problemsOf(() => planSweep(spec({ grid: parseGrid('layer-norm=yes', []) })))).toEqual([
      'grid layer-norm=yes: layer-norm is a switch, its values are true and false',
    ]);
  });

  it('lets explicit configurations override the base flags', () => {
    const runs = planSweep(
      spec({ base: ['--limit', '600'], configurations: [{ augment: 'mnist' }, { limit: '100' }] }),
    );
    expect(runs.map((r) => [r.config.augment, r.config.limit])).toEqual([
      ['mnist', 600],
      [null, 100],
    ]);
  });

  it('reports every problem, one per line, naming the key, the value and what is allowed', () => {
    const problems = problemsOf(() =>
      planSweep(
        spec({
          grid: parseGrid('l2=-1,x;foo=1;dropout=0,0;depth=2', []),
          base: ['--depth', '3', '--lr', 'fast'],
        }),
      ),
    );
    expect(problems).toEqual([
      '--lr must be a decimal number (no spaces, no hex), got "fast"',
      'grid l2=-1: --l2 must be a number >= 0, got -1',
      'grid l2=x: --l2 must be a decimal number (no spaces, no hex), got "x"',
      expect.stringMatching(/^grid key "foo" is not one of model, dataset, .*, no-diagnostics$/),
      'grid key dropout repeats a value in "0,0"',
      '--depth is given both as a train flag (or in --config "base") and as a grid key; give it once',
    ]);
    for (const problem of problems) expect(problem).not.toContain('\n');
  });

  it('rejects duplicate configurations, --random beyond the grid and --seeds over a seed grid', () => {
    expect(problemsOf(() => planSweep(spec({ grid: parseGrid('l2=0.001,1e-3', []) })))).toEqual([
      'configurations l2=0.001 and l2=1e-3 are the same configuration',
    ]);
    expect(problemsOf(() => planSweep(spec({ grid: parseGrid('l2=0,1', []), random: 3 })))).toEqual(
      ["--random must be at most the grid's 2 points, got 3"],
    );
    expect(
      problemsOf(() => planSweep(spec({ grid: parseGrid('seed=1,2', []), seeds: 2 }))),
    ).toEqual(['--seeds cannot be combined with a grid over seed']);
    const problems: string[] = [];
    parseGrid('l2;=3', problems);
    expect(problems).toEqual([
      '--grid entry "l2" must be key=v1,v2,...',
      '--grid entry "=3" must be key=v1,v2,...',
    ]);
  });
});

describe('parseSweepCommandLine', () => {
  it('separates sweep flags from the train flags every configuration shares', () => {
    const options = sweepOptions(
      '--grid',
      'l2=0,1',
      '--epochs',
      '2',
      '--seeds=3',
      '--workers',
      '2',
      '--resume',
    );
    expect(options.spec.base).toEqual(['--epochs', '2']);
    expect(options.spec.seeds).toBe(3);
    expect(options).toMatchObject({
      workers: 2,
      resume: true,
      fresh: false,
      redis: null,
      attempts: 3,
    });
  });

  it('reads a --config file with a byte order mark; says when one is not JSON or missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'overfit-sweep-'));
    const bom = join(dir, 'bom.json');
    writeFileSync(bom, '\ufeff{"grid": {"l2": [0, 0.1]}}');
    expect(sweepOptions('--config', bom).spec.grid).toEqual([['l2', ['0', '0.1']]]);
    const both = join(dir, 'both.json');
    writeFileSync(both, '{"grid": {"l2": [0, 0.1]}, "base": {"l2": 0.2}}');
    expect(problemsOf(() => planSweep(sweepOptions('--config', both).spec))).toEqual([
      '--l2 is given both as a train flag (or in --config "base") and as a grid key; give it once',
    ]);
    const huge = join(dir, 'huge.json');
    writeFileSync(huge, '{"grid": {"l2": [0, 1e999]}, "random": 1e999}');
    expect(problemsOf(() => parseSweepCommandLine(['sweep', '--config', huge]))).toEqual([
      '--config grid l2 must be a string or a finite number, got Infinity',
      '--config random must be an integer in [1, 100000], got Infinity',
    ]);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '');
    expect(problemsOf(() => parseSweepCommandLine(['sweep', '--config', bad]))).toEqual([
      `--config ${bad}: not valid JSON (Unexpected end of JSON input)`,
    ]);
    expect(problemsOf(() => parseSweepCommandLine(['sweep', '--config', dir]))).toEqual([
      `--config ${dir}: cannot read it (EISDIR)`,
    ]);
  });

  it('reads a --config file: grid, configurations, base, random, seeds', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'overfit-sweep-')), 'sweep.json');
    writeFileSync(
      file,
      JSON.stringify({
        grid: { l2: [0, 0.001], depth: [2, 4] },
        configurations: [{ augment: 'rotate(15),translate(0.1)' }],
        base: { epochs: 2, 'no-diagnostics': true },
        seeds: 2,
      }),
    );
    const options = sweepOptions('--config', file);
    expect(options.spec.grid).toEqual([
      ['l2', ['0', '0.001']],
      ['depth', ['2', '4']],
    ]);
    expect(options.spec.base).toEqual(['--epochs=2', '--no-diagnostics']);
    const runs = planSweep(options.spec);
    expect(runs).toHaveLength(10);
    expect(runs.at(-1)!.config).toMatchObject({
      augment: 'rotate(15),translate(0.1)',
      diagnostics: false,
    });
  });

  it('lists every bad flag, never showing a Redis password', () => {
    const problems = problemsOf(() =>
      parseSweepCommandLine([
        'sweep',
        '--grid',
        'l2=0',
        '--config',
        'nope.json',
        '--workers',
        '0',
        '--redis',
        'http://user:s3cret@host:1',
        '--resume',
        '--fresh',
      ]),
    );
    expect(problems).toContain('give --grid or --config, not both');
    expect(problems).toContain('--workers must be an integer in [1, 256], got "0"');
    expect(problems).toContain('give --resume or --fresh, not both');
    expect(problems.join('\n')).toMatch(/--redis must be a redis:\/\/ or rediss:\/\/ \(TLS\) URL/);
    expect(problems.join('\n')).not.toContain('s3cret');
    expect(redactUrl('rediss://u:pw@h:6380/2')).toBe('rediss://u:***@h:6380/2');
    // Not a URL (port out of range, no scheme): shown, with the credentials hidden.
    expect(
      problemsOf(() =>
        parseSweepCommandLine(['worker', '--redis', 'redis://:s3cret@127.0.0.1:99999']),
      ),
    ).toEqual([
      '--redis must be a URL such as redis://host:6379, got "redis://***@127.0.0.1:99999"',
    ]);
    expect(redactUrl('queue-host')).toBe('queue-host');
    expect(redactUrl('u:s3cret@queue host')).toBe('***@queue host');
  });

  it('reads sweep and worker counts as plain decimal integers, as overfit train does', () => {
    const flags = ['--workers', '0x2', '--seeds', '1e1', '--attempts', '2.0', '--random', ' 2'];
    expect(
      problemsOf(() => parseSweepCommandLine(['sweep', '--grid', 'l2=0,1', ...flags])),
    ).toEqual([
      '--random must be an integer in [1, 100000], got " 2"',
      '--seeds must be an integer in [1, 1000], got "1e1"',
      '--workers must be an integer in [1, 256], got "0x2"',
      '--attempts must be an integer in [1, 100], got "2.0"',
    ]);
    expect(
      problemsOf(() =>
        parseSweepCommandLine(['worker', '--redis', 'redis://h', '--concurrency', '0x2']),
      ),
    ).toEqual(['--concurrency must be an integer in [1, 256], got "0x2"']);
    const ok = parseSweepCommandLine([
      'sweep',
      '--grid',
      'l2=0',
      '--workers',
      '+2',
      '--seeds',
      '3',
    ]);
    expect(ok).toMatchObject({ options: { workers: 2, spec: { seeds: 3 } } });
  });

  it('names unknown flags as sweep options, each in one line with its value', () => {
    const argv = ['sweep', '--grid', 'l2=0', '--epochs', '2', '--quiet', '--concurrency', '2'];
    expect(
      problemsOf(() => parseSweepCommandLine([...argv, '--bogus=1', '--runs', 'none'])),
    ).toEqual([
      'unknown option --quiet for sweep (see overfit sweep --help)',
      '--concurrency is an overfit worker option, not a sweep one (see overfit sweep --help)',
      'unknown option --bogus for sweep (see overfit sweep --help)',
      'unknown option --runs for sweep (see overfit sweep --help)',
    ]);
    expect(
      sweepOptions('--grid', 'l2=0', '--epochs', '2', '--batch-norm', '--lr=-1').spec.base,
    ).toEqual(['--epochs', '2', '--batch-norm', '--lr=-1']);
  });

  it('says that OVERFIT_REDIS_URL made a sweep distributed when --workers is refused', () => {
    const saved = process.env.OVERFIT_REDIS_URL;
    process.env.OVERFIT_REDIS_URL = 'redis://127.0.0.1:6379';
    try {
      expect(
        problemsOf(() => parseSweepCommandLine(['sweep', '--grid', 'l2=0', '--workers', '2'])),
      ).toEqual([
        '--workers is for local sweeps, but OVERFIT_REDIS_URL is set (a sweep through Redis); unset it for a local sweep, or start overfit worker processes',
      ]);
    } finally {
      if (saved === undefined) delete process.env.OVERFIT_REDIS_URL;
      else process.env.OVERFIT_REDIS_URL = saved;
    }
  });

  it('parses overfit worker', () => {
    const command = parseSweepCommandLine([
      'worker',
      '--redis',
      'redis://:pw@127.0.0.1:6390/1',
      '--concurrency',
      '2',
      '--lock-seconds',
      '5',
    ]);
    expect(command).toMatchObject({
      kind: 'worker',
      options: {
        concurrency: 2,
        lockSeconds: 5,
        sweep: null,
        redis: { url: 'redis://:pw@127.0.0.1:6390/1' },
      },
    });
    expect(
      problemsOf(() => parseSweepCommandLine(['worker', '--sweep', 'x', '--redis', 'redis://h'])),
    ).toEqual(['--sweep must be a sweep id (12 hex digits, printed by overfit sweep), got "x"']);
  });
});

describe('ranking', () => {
  const record = (valMacroF1: number, testMacroF1: number): RunRecord => ({
    name: 'r',
    epochs: [
      { epoch: 1, valMacroF1: 0 },
      { epoch: 2, valMacroF1 },
    ],
    test: { macroF1: testMacroF1 },
  });

  it('mean and sample std (n - 1) against closed forms', () => {
    expect(spread([1, 2, 3, 4])).toEqual({ mean: 2.5, std: Math.sqrt(5 / 3), n: 4 });
    expect(spread([0.9])).toEqual({ mean: 0.9, std: null, n: 1 });
    expect(spread([Number.NaN, 2, 4])).toEqual({ mean: 3, std: Math.SQRT2, n: 2 });
    expect(spread([]).mean).toBeNaN();
  });

  it('ranks configurations by mean final validation macro-F1 over seeds', () => {
    const runs = planSweep(spec({ grid: parseGrid('l2=0,1e-3', []), seeds: 2 }));
    const scores = [0.8, 0.82, 0.9, 0.7]; // l2=0: mean 0.81; l2=1e-3: mean 0.8
    const ranking = rankResults(runs.map((run, i) => ({ run, record: record(scores[i]!, i) })));
    expect(ranking.map((row) => [row.rank, row.name, row.seeds])).toEqual([
      [1, 'l2=0', [1, 2]],
      [2, 'l2=1e-3', [1, 2]],
    ]);
    expect(ranking[0]!.valMacroF1.mean).toBeCloseTo(0.81, 12);
    expect(ranking[0]!.valMacroF1.std).toBeCloseTo(Math.sqrt(0.0002), 12);
    expect(ranking[1]!.testMacroF1.mean).toBe(2.5);
    expect(finalValMacroF1(record(0.5, 0))).toBe(0.5);
  });
});
