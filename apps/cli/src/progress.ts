/** A one-line progress bar per epoch: redrawn in place on a terminal, printed once when piped. */
export class ProgressBar {
  private lastDrawn = -1;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly width = 30,
  ) {}

  update(epoch: number, epochs: number, batch: number, batches: number): void {
    const done = batch >= batches;
    if (!this.stream.isTTY && !done) return;
    const percent = Math.floor((100 * batch) / batches);
    if (percent === this.lastDrawn && !done) return;
    this.lastDrawn = percent;
    const filled = Math.round((this.width * batch) / batches);
    const bar = `${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? (done ? '=' : '>') : ''}${' '.repeat(this.width - filled)}`;
    const line = `epoch ${epoch}/${epochs} [${bar}] ${batch}/${batches} batches`;
    this.stream.write(this.stream.isTTY ? `\r${line}${done ? '\n' : ''}` : `${line}\n`);
    if (done) this.lastDrawn = -1;
  }
}

/** `1h02m`, `3m05s`, `42s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/**
 * `overfit compare`'s progress: configuration x epoch x batch with an ETA from the batches
 * done so far. Redrawn in place (at most 10 times a second) on a terminal; when piped, one
 * line per finished epoch.
 */
export class CompareProgress {
  private readonly started = performance.now();
  private done = 0;
  private lastDraw = 0;

  /**
   * @param runs configurations that will train in this process (resumed ones excluded)
   * @param epochs epochs per configuration
   */
  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly runs: number,
    private readonly epochs: number,
  ) {}

  /** The line for batch `batch` (0-based) of `batches` in epoch `epoch` of run `run` (0-based). */
  line(
    run: number,
    name: string,
    epoch: number,
    batch: number,
    batches: number,
    now = performance.now(),
  ): string {
    const total = this.runs * this.epochs * batches;
    const elapsed = (now - this.started) / 1000;
    const eta = this.done === 0 ? Number.NaN : (elapsed / this.done) * (total - this.done);
    const percent = Math.floor((100 * this.done) / total);
    return (
      `configuration ${run + 1}/${this.runs} (${name})  epoch ${epoch + 1}/${this.epochs}  ` +
      `batch ${batch + 1}/${batches}  ${percent}%  elapsed ${formatDuration(elapsed)}  ETA ${formatDuration(eta)}`
    );
  }

  update(run: number, name: string, p: { epoch: number; batch: number; batches: number }): void {
    this.done += 1;
    const epochEnd = p.batch + 1 === p.batches;
    const now = performance.now();
    if (this.stream.isTTY) {
      if (!epochEnd && now - this.lastDraw < 100) return;
      this.lastDraw = now;
      this.stream.write(`\r\x1b[2K${this.line(run, name, p.epoch, p.batch, p.batches, now)}`);
      return;
    }
    if (epochEnd) this.stream.write(`${this.line(run, name, p.epoch, p.batch, p.batches, now)}\n`);
  }

  /** Ends the in-place line before other output. */
  clear(): void {
    if (this.stream.isTTY) this.stream.write('\r\x1b[2K');
  }
}
