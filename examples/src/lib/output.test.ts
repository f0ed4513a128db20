import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dropoutVariants } from '../examples/dropout-variants.js';
import { EXAMPLES, findExample } from '../examples/index.js';
import { writeOutputs } from './output.js';

describe('example outputs', () => {
  it('lists every example once, each with a one-line claim', () => {
    const names = EXAMPLES.map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeGreaterThanOrEqual(14);
    for (const e of EXAMPLES) {
      expect(e.claim.length).toBeGreaterThan(20);
      expect(e.claim).not.toContain('\n');
      expect(findExample(e.name)).toBe(e);
    }
    expect(findExample('no-such-example')).toBeUndefined();
  });

  it('writes result.json and a self-contained report.html (and no temp file)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'overfit-examples-'));
    try {
      const result = await dropoutVariants.run({ quick: true, log: () => {} });
      const files = await writeOutputs(dir, dropoutVariants, result, {
        quick: true,
        backend: 'test',
        seconds: 1,
      });
      expect((await readdir(dir)).sort()).toEqual(['report.html', 'result.json']);
      const json = JSON.parse(await readFile(files.json, 'utf8'));
      expect(json).toMatchObject({
        example: 'dropout-variants',
        seed: 1,
        quick: true,
        backend: 'test',
      });
      expect(json.numbers).toEqual(result.numbers);
      expect(json.checks).toEqual(result.checks);
      const html = await readFile(files.html, 'utf8');
      expect(html).toContain('<svg');
      expect(html).toContain(dropoutVariants.claim.slice(0, 40));
      expect(html).not.toMatch(/<script|src="http/);
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
