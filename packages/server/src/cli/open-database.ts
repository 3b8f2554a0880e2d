import { sql, type Kysely } from 'kysely';
import type { Config } from '../config.js';
import { createDatabase } from '../db/database.js';
import type { Database } from '../db/tables.js';
import type { Logger } from '../logger.js';

/**
 * Opens the configured database and proves it answers, so a wrong DATABASE_URL fails at
 * start with one line instead of at the first request.
 */
export async function openDatabase(config: Config, logger: Logger): Promise<Kysely<Database>> {
  const db = createDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    statementTimeoutMs: config.statementTimeoutMs,
    onPoolError: (error) => logger.warn({ err: error }, 'database connection lost'),
  });
  try {
    await sql`SELECT 1`.execute(db);
  } catch (error) {
    await db.destroy().catch(() => {});
    const where = config.databaseUrl ? redact(config.databaseUrl) : `PGlite at ${config.dataDir}`;
    throw new CliError(
      `cannot reach the database (${where}): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return db;
}

/** An error the CLI prints as one line, without a stack trace, before exiting non-zero. */
export class CliError extends Error {}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'DATABASE_URL';
  }
}
