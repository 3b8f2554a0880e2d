import type { Kysely } from 'kysely';
import type { Database } from './tables.js';

/** Receives the payload of each NOTIFY on the channel it listens to. */
export type NotificationHandler = (payload: string) => void;

/**
 * Listens to a channel on a database handle's own database; resolves once listening, to the
 * function that stops. PostgreSQL delivers a NOTIFY when its transaction commits, to every
 * listening connection of every process; a rolled-back transaction's never arrive.
 */
export type Listen = (
  channel: string,
  handler: NotificationHandler,
) => Promise<() => Promise<void>>;

// Set by createDatabase for each handle it makes: only db/ knows PGlite from PostgreSQL.
const listeners = new WeakMap<Kysely<Database>, Listen>();

export function registerListen(db: Kysely<Database>, listen: Listen): void {
  listeners.set(db, listen);
}

/** Listens on `channel` of the database behind `db` (see Listen). */
export function listen(
  db: Kysely<Database>,
  channel: string,
  handler: NotificationHandler,
): Promise<() => Promise<void>> {
  const of = listeners.get(db);
  if (!of) throw new Error('This database handle was not made by createDatabase: it cannot LISTEN');
  return of(channel, handler);
}
