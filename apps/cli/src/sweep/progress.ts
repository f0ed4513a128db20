/** `1h02m`, `3m05s`, `12s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/**
 * Counts finished configurations and estimates the time left from this session's rate
 * (configurations collected from an earlier run by --resume do not count towards the rate).
 */
export class SweepProgress {
  private readonly start = performance.now();
  private finishedHere = 0;
  private failed = 0;

  constructor(
    private readonly sweepId: string,
    private readonly total: number,
    private finished: number,
    private readonly write: (line: string) => void,
  ) {}

  get done(): number {
    return this.finished + this.failed;
  }

  /** Elapsed seconds since the sweep started here. */
  elapsed(): number {
    return (performance.now() - this.start) / 1000;
  }

  /** Records one outcome and prints the progress line. */
  record(outcome: 'finished' | 'failed', what: string): void {
    if (outcome === 'finished') this.finished++;
    else this.failed++;
    this.finishedHere++;
    const elapsed = this.elapsed();
    const left = this.total - this.done;
    const eta = left === 0 ? 'done' : `ETA ${formatDuration((elapsed / this.finishedHere) * left)}`;
    const failed = this.failed > 0 ? ` (${this.failed} failed)` : '';
    this.write(
      `sweep ${this.sweepId}: ${this.done}/${this.total}${failed} · ${outcome} ${what} · ` +
        `${formatDuration(elapsed)} elapsed · ${eta}`,
    );
  }
}
