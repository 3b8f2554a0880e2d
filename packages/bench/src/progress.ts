/**
 * One status line on stderr, rewritten in place on a terminal; off a terminal (CI, a log
 * file) only finished steps are printed, so logs stay readable.
 */
export class Progress {
  private readonly started = Date.now();

  constructor(
    private readonly write: (text: string) => void = (text) => process.stderr.write(text),
    private readonly tty = process.stderr.isTTY === true,
  ) {}

  /** Replaces the current status line (terminal only). */
  update(text: string): void {
    if (this.tty) this.write(`\r\x1b[K${text} (${this.elapsed()})`);
  }

  /** Prints a finished step on a line of its own. */
  done(text: string): void {
    this.write(`${this.tty ? '\r\x1b[K' : ''}${text} (${this.elapsed()})\n`);
  }

  private elapsed(): string {
    return `${((Date.now() - this.started) / 1000).toFixed(1)} s`;
  }
}
