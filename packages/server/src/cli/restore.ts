import { mkdir, readdir, rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { knowsSchemaVersion } from '../backup/backup.database.js';
import { BackupFileError, readBackupFile } from '../backup/backup.file.js';
import { BackupRefusedError, restoreBackup } from '../backup/backup.service.js';
import { loadConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { isToolFailure } from './backup.js';
import { CliError } from './dispatch.js';
import { openDatabase } from './open-database.js';

export const restoreHelp = `Usage: fulian restore FILE

Restores a backup written by \`fulian backup\` into an empty database, then migrates it to this
build's latest schema. Before anything is written, the whole file is checked against its
header's checksum: an unknown or damaged file, a backup from a newer schema than this build
knows, or a target that is not empty, is refused with one line and nothing changed.

Uses DATABASE_URL (PostgreSQL) when set: the database must have no tables (make one with
createdb); a pg_dump backup is restored with pg_restore (from PATH, or FULIAN_PG_BIN) in one
transaction. Else PGlite in FULIAN_DATA_DIR, which must be a new or empty directory; only a
PGlite (rows) backup restores there. A rows backup restores into PostgreSQL as well, as a
superuser (its triggers stay off while the rows load).`;

export async function restoreCommand(args: string[], logger: Logger): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length !== 1) throw new CliError('give the backup file: fulian restore FILE');
  const file = positionals[0]!;
  const backup = await readBackupFile(file).catch((error) => {
    throw error instanceof BackupFileError ? new CliError(error.message) : error;
  });
  const { manifest } = backup;
  if (!knowsSchemaVersion(manifest.schemaVersion)) {
    throw new CliError(
      `${file} was taken at schema ${manifest.schemaVersion}, newer than this build knows (commit ${manifest.commit}); restore it with that build or a later one`,
    );
  }
  const config = loadConfig();
  if (manifest.format === 'pg_dump' && !config.databaseUrl) {
    throw new CliError(`${file} is a PostgreSQL (pg_dump) backup: set DATABASE_URL to restore it`);
  }
  const fresh = !config.databaseUrl;
  if (fresh) {
    const entries = await readdir(config.dataDir).catch(() => []);
    if (entries.length > 0) {
      throw new CliError(`${config.dataDir} is not empty; set FULIAN_DATA_DIR to a new directory`);
    }
  }

  const db = await openDatabase(config, logger);
  let restored: { rows: number } | undefined;
  try {
    restored = await restoreBackup(db, backup, config.databaseUrl);
  } catch (error) {
    if (error instanceof BackupRefusedError || isToolFailure(error)) {
      throw new CliError(error.message);
    }
    throw error;
  } finally {
    await db.destroy();
    // The directory this restore made holds a half-restored database or none: leave it empty.
    if (fresh && !restored) {
      await rm(config.dataDir, { recursive: true, force: true });
      await mkdir(config.dataDir, { recursive: true });
    }
  }
  console.log(
    `restored ${restored.rows} rows in ${Object.keys(manifest.rows).length} tables from ${file} (schema ${manifest.schemaVersion}, commit ${manifest.commit}, taken ${manifest.createdAt}); the database is migrated to the latest schema`,
  );
}
