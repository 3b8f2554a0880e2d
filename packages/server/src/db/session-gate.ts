import { WaitTally } from './pool-status.js';

/**
 * One turn at a time on PGlite's single session, first come first served.
 *
 * PGlite is one PostgreSQL backend: whoever has a transaction open owns the session until it
 * ends, and any statement sent meanwhile runs inside that transaction. The server's own queries
 * (through kysely) and the statements of other processes (through the Unix socket) therefore
 * take turns here: the server holds a turn for one statement or one whole transaction, a
 * socket client from its first message until the session is idle again.
 */
export class SessionGate {
  #held = false;
  readonly #queue: (() => void)[] = [];
  /** The turns that had to wait, and how long they waited. */
  readonly waits = new WaitTally();

  /** Whether someone has the turn now. */
  get held(): boolean {
    return this.#held;
  }

  /** Turns asked for and not yet given. */
  get waiting(): number {
    return this.#queue.length;
  }

  /** Waits for the turn; the returned function gives it back (once; later calls do nothing). */
  async acquire(): Promise<() => void> {
    if (this.#held) {
      await this.waits.time(new Promise<void>((resolve) => this.#queue.push(resolve)));
    }
    this.#held = true;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#queue.shift();
      // The turn passes straight to the next in line, so nobody can cut in between.
      if (next) next();
      else this.#held = false;
    };
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
