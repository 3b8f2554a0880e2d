/**
 * Why the database could not answer a statement: it ran past its time limit, or the database
 * could not be reached (refused, timed out connecting, or the connection died under it).
 */
export type UnavailableReason = 'TIMEOUT' | 'DATABASE_UNREACHABLE';

/**
 * A statement that failed for want of the database, not because of what it asked: the same
 * request may well succeed a moment later.
 */
export class DatabaseUnavailableError extends Error {
  readonly reason: UnavailableReason;

  constructor(reason: UnavailableReason, cause: unknown) {
    super(
      reason === 'TIMEOUT'
        ? 'A statement ran past its time limit'
        : 'The database cannot be reached',
      { cause },
    );
    this.reason = reason;
  }
}
