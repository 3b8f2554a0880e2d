import { loadConfig } from '../config.js';
import { migrateToLatest } from '../db/migrate.js';
import type { Logger } from '../logger.js';
import { DATABASE_HELP, openDatabase } from './open-database.js';

export const migrateHelp = `Usage: fulian migrate

Brings the database schema to the latest migration.
${DATABASE_HELP}`;

export async function migrateCommand(_args: string[], logger: Logger): Promise<void> {
  const db = await openDatabase(loadConfig(), logger);
  try {
    const results = await migrateToLatest(db);
    console.log(
      results.length
        ? results.map((r) => `migrated ${r.migrationName}`).join('\n')
        : 'schema is up to date',
    );
  } finally {
    await db.destroy();
  }
}
