// The pool under the server on PostgreSQL when connections die (postgres-pool.ts): which
// statements fail UNAVAILABLE, which are sent again, and that no lost connection, checked out
// or idle, ends the process. PostgreSQL only: PGlite runs in process, with no connection.
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../src/db/database.js';
import { createStatementScope, scopedDatabase } from '../src/db/statement-scope.js';
import type { Database } from '../src/db/tables.js';
import { DatabaseUnavailableError } from '../src/db/unavailable.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

const adminUrl = process.env.DATABASE_URL;

describe.skipIf(!adminUrl)('the PostgreSQL pool when connections die', () => {
  let database: TestDatabase;
  let admin: Kysely<Database>;
  let db: Kysely<Database>;
  const lost: Error[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    admin = createDatabase({ databaseUrl: adminUrl });
    db = createDatabase({ databaseUrl: database.url, onPoolError: (error) => lost.push(error) });
  });
  afterAll(async () => {
    await db.destroy();
    await admin.destroy();
    await database.close();
  });

  /** Terminates the backend running `marker` once it runs, from another database. */
  async function terminateWhenRunning(marker: string): Promise<void> {
    const name = new URL(database.url!).pathname.slice(1);
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const { rows } = await sql<{ terminated: boolean }>`
        SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
        WHERE datname = ${name} AND query LIKE ${`%${marker}%`} AND query NOT LIKE '%pg_stat_activity%'`.execute(
        admin,
      );
      if (rows.some((row) => row.terminated)) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`no backend ran ${marker}`);
  }

  const slowRead = (marker: string) =>
    sql<{ answer: number }>`SELECT 42 AS answer, pg_sleep(0.5), ${sql.lit(marker)}::text AS marker`;

  it('sends a read of a read-only request once more, on a new connection', async () => {
    const scope = createStatementScope(new AbortController().signal);
    scope.retryReads = true;
    const pending = slowRead('retried-read').execute(scopedDatabase(db, scope));
    await terminateWhenRunning('retried-read');
    expect((await pending).rows[0]?.answer).toBe(42);
  });

  it('fails a statement of any other request UNAVAILABLE, and the next one gets a fresh connection', async () => {
    const scope = createStatementScope(new AbortController().signal);
    const pending = slowRead('not-retried')
      .execute(scopedDatabase(db, scope))
      .catch((error: unknown) => error);
    await terminateWhenRunning('not-retried');
    const error = await pending;
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error).toMatchObject({ reason: 'DATABASE_UNREACHABLE' });
    expect((await sql<{ one: number }>`SELECT 1 AS one`.execute(db)).rows).toEqual([{ one: 1 }]);
  });

  it('never sends a transaction’s statement again, and survives its checked-out connection dying between statements', async () => {
    const scope = createStatementScope(new AbortController().signal);
    scope.retryReads = true;
    const outcome = scopedDatabase(db, scope)
      .transaction()
      .execute(async (trx) => {
        await sql`SELECT 'in-transaction'::text`.execute(trx);
        // The connection is checked out and idle in the transaction when it is terminated:
        // pg reports that as an 'error' event on the client, which must not end the process.
        await terminateWhenRunning('in-transaction');
        await new Promise((resolve) => setTimeout(resolve, 200));
        return sql`SELECT 1`.execute(trx);
      })
      .catch((error: unknown) => error);
    expect(await outcome).toMatchObject({ reason: 'DATABASE_UNREACHABLE' });
    expect(lost.length).toBeGreaterThan(0);
    expect((await sql<{ one: number }>`SELECT 1 AS one`.execute(db)).rows).toEqual([{ one: 1 }]);
  });

  it('answers a statement past statement_timeout UNAVAILABLE, reason TIMEOUT', async () => {
    const hasty = createDatabase({ databaseUrl: database.url, statementTimeoutMs: 100 });
    try {
      const error = await slowRead('timed-out')
        .execute(hasty)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      expect(error).toMatchObject({ reason: 'TIMEOUT' });
    } finally {
      await hasty.destroy();
    }
  });

  it('answers a refused connection UNAVAILABLE', async () => {
    const nowhere = createDatabase({ databaseUrl: 'postgres://postgres@127.0.0.1:1/nowhere' });
    try {
      const error = await sql`SELECT 1`.execute(nowhere).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      expect(error).toMatchObject({ reason: 'DATABASE_UNREACHABLE' });
    } finally {
      await nowhere.destroy();
    }
  });
});
