import { hostname } from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { Config } from '../config.js';
import { DataDirInUseError } from '../db/data-dir-lock.js';
import { createDatabase, type DatabaseConfig } from '../db/database.js';
import type { Database } from '../db/tables.js';
import type { Logger } from '../logger.js';
import { CliError } from './dispatch.js';

/** How a command that needs the database finds it, as its help says. */
export const DATABASE_HELP = `Uses DATABASE_URL (PostgreSQL) when set, else PGlite in FULIAN_DATA_DIR (default
./.fulian/data), through the \`fulian serve\` that holds it while one runs.`;

export interface OpenOptions {
  /**
   * Serve the embedded database to other processes while this one holds it (`fulian serve`).
   * Without it, a command that finds the data directory held by a server reaches the database
   * through that server's socket instead.
   */
  share?: boolean;
  /** Told of every SQL statement sent (the server's metrics and traces). */
  onQuery?: DatabaseConfig['onQuery'];
}

/**
 * Opens the configured database and proves it answers, so a wrong DATABASE_URL fails at
 * start with one line instead of at the first request. On PGlite, a data directory another
 * process holds is never opened: a command goes through the server holding it, or says who
 * holds it.
 */
export async function openDatabase(
  config: Config,
  logger: Logger,
  options: OpenOptions = {},
): Promise<Kysely<Database>> {
  const common: DatabaseConfig = {
    statementTimeoutMs: config.statementTimeoutMs,
    onPoolError: (error) => logger.warn({ err: error }, 'database connection lost'),
    onQuery: options.onQuery,
  };
  let db: Kysely<Database>;
  let where: string;
  if (config.databaseUrl) {
    db = createDatabase({ ...common, databaseUrl: config.databaseUrl, readUrl: config.readUrl });
    where = redact(config.databaseUrl);
  } else {
    try {
      db = createDatabase({
        ...common,
        dataDir: config.dataDir,
        ...(options.share && {
          share: {
            onError: (error: Error) => logger.warn({ err: error }, 'embedded database socket'),
          },
        }),
      });
      where = `PGlite at ${config.dataDir}`;
    } catch (error) {
      if (!(error instanceof DataDirInUseError)) throw error;
      const socket = error.holder.socket;
      if (options.share || !socket) throw new CliError(inUse(error, options.share ?? false));
      db = createDatabase({ ...common, databaseUrl: socketUrl(socket) });
      where = `through process ${error.holder.pid} (${error.holder.command}) at ${socket}`;
    }
  }
  try {
    await sql`SELECT 1`.execute(db);
  } catch (error) {
    await db.destroy().catch(() => {});
    throw new CliError(
      `cannot reach the database (${where}): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return db;
}

/** An error the CLI prints as one line, without a stack trace, before exiting non-zero. */
function inUse(error: DataDirInUseError, serving: boolean): string {
  const advice = serving
    ? 'stop it first, or set FULIAN_DATA_DIR to another directory'
    : 'wait for it to finish, or stop it, and run this again';
  // A lock from another host cannot be checked here, and is only ever cleared by hand.
  const elsewhere =
    error.holder.host === hostname() ? '' : ` (if it is gone, delete ${error.lockFile})`;
  return `the data directory ${error.message}; ${advice}${elsewhere}`;
}

/** A `pg` connection string for the PostgreSQL socket `file` (`<dir>/.s.PGSQL.5432`). */
function socketUrl(file: string): string {
  return `postgresql://postgres@${encodeURIComponent(path.dirname(file))}/postgres`;
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'DATABASE_URL';
  }
}
