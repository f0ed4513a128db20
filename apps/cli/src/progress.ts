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
