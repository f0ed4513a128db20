import type { Chart, RunRecord } from '@overfit/report';

/** What every example gets from the runner (or from its test). */
export interface ExampleContext {
  /** Small, fast setting (the one the tests assert the claim on). */
  quick: boolean;
  /** Prints a line of progress or a key number. */
  log: (line: string) => void;
  /** Redraws a one-line progress bar (a terminal only; absent in tests). */
  progress?: (line: string, done: boolean) => void;
}

/** One statement the example set out to show, and whether this run showed it. */
export interface Check {
  claim: string;
  holds: boolean;
}

/** What an example hands back: numbers, checks, and what its report shows. */
export interface ExampleResult {
  /** The key numbers, printed at the end and stored in result.json. */
  numbers: Record<string, number>;
  /** The claims, each checked on this run's numbers. */
  checks: Check[];
  /** Training runs (loss / F1 curves, final table) in the report. */
  runs?: RunRecord[];
  /** Further charts (Vega-Lite) in the report. */
  charts?: Chart[];
  /** Extra HTML blocks (e.g. an image gallery) appended to the report. */
  html?: { title: string; body: string }[];
  /** Anything else worth keeping in result.json (settings, per-item tables). */
  details?: unknown;
}

/** One experiment of the course. */
export interface Example {
  name: string;
  /** One line: what the example shows. */
  claim: string;
  seed: number;
  run(context: ExampleContext): Promise<ExampleResult>;
}
