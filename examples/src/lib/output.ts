import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderReport } from './report.js';
import type { Example, ExampleResult } from './types.js';

/** What result.json holds. */
export interface ResultFile {
  example: string;
  claim: string;
  seed: number;
  quick: boolean;
  backend: string;
  seconds: number;
  numbers: Record<string, number>;
  checks: ExampleResult['checks'];
  runs?: ExampleResult['runs'];
  details?: unknown;
}

/** Writes `text` to `file` through a temporary file and a rename (never a half-written file). */
async function writeAtomic(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, text);
  await rename(temp, file);
}

/** Writes `dir/result.json` and `dir/report.html`; returns their paths. */
export async function writeOutputs(
  dir: string,
  example: Example,
  result: ExampleResult,
  meta: { quick: boolean; backend: string; seconds: number },
): Promise<{ json: string; html: string }> {
  await mkdir(dir, { recursive: true });
  const file: ResultFile = {
    example: example.name,
    claim: example.claim,
    seed: example.seed,
    ...meta,
    numbers: result.numbers,
    checks: result.checks,
    ...(result.runs ? { runs: result.runs } : {}),
    ...(result.details === undefined ? {} : { details: result.details }),
  };
  const json = join(dir, 'result.json');
  const html = join(dir, 'report.html');
  await writeAtomic(json, `${JSON.stringify(file, null, 2)}\n`);
  await writeAtomic(html, await renderReport(example, result, meta));
  return { json, html };
}
