/** How busy the database's connections are, as `/metrics` reports them. */
export interface PoolStatus {
  /** Connections open; PGlite has one session. */
  total: number;
  /** Open connections no caller holds. */
  idle: number;
  /** Callers waiting for a connection (on PGlite, for the session) now. */
  waiting: number;
  /** Times since start a caller found no free connection and waited. */
  waits: number;
  /** The milliseconds those waits took together. */
  waitMs: number;
}

/** Counts the waits for a connection, for PoolStatus. */
export class WaitTally {
  waits = 0;
  waitMs = 0;

  /** Times `acquire` as one wait. */
  async time<T>(acquire: Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await acquire;
    } finally {
      this.waits += 1;
      this.waitMs += performance.now() - start;
    }
  }
}
