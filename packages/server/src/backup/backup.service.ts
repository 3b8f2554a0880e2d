import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/tables.js';
import { buildInfo } from '../build-info.js';
import { countRows, migrateWithin, schemaVersion } from './backup.database.js';
import { writeBackupFile, type BackupManifest, type CheckedBackup } from './backup.file.js';
import { pgDump, pgRestore } from './backup.postgres.js';
import { dumpRows, loadRows } from './backup.rows.js';

/** A backup or restore that cannot go ahead, for a reason the operator can act on. */
export class BackupRefusedError extends Error {}

/**
 * Backs up `db` into `file`. Everything is read in one REPEATABLE READ transaction: the schema
 * version, the row counts and, on PostgreSQL (`databaseUrl`), pg_dump, which joins that
 * transaction's snapshot; elsewhere the rows themselves (backup.rows.ts). On PGlite through a
 * running server, that transaction holds the server's session from its first statement to its
 * last, so no write lands in the middle of it: writes wait for the backup instead.
 */
export async function takeBackup(
  db: Kysely<Database>,
  file: string,
  databaseUrl: string | undefined,
): Promise<BackupManifest> {
  const bodyFile = `${file}.body`;
  try {
    const header = await db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (trx) => {
        const version = await schemaVersion(trx);
        if (!version)
          throw new BackupRefusedError('the database has no schema yet: nothing to back up');
        const rows = await countRows(trx);
        if (databaseUrl) {
          // pg_dump may outlast the idle-in-transaction limit the pool sets; the snapshot it
          // imports must live until it has.
          await sql`SET LOCAL idle_in_transaction_session_timeout = 0`.execute(trx);
          const { rows: exported } = await sql<{ id: string }>`
            SELECT pg_export_snapshot() AS id`.execute(trx);
          await pgDump(databaseUrl, exported[0]!.id, bodyFile);
        } else {
          const out = createWriteStream(bodyFile);
          await dumpRows(trx, out);
          out.end();
          await finished(out);
        }
        const build = buildInfo();
        return {
          format: databaseUrl ? ('pg_dump' as const) : ('rows' as const),
          schemaVersion: version,
          version: build.version,
          commit: build.commit,
          createdAt: new Date().toISOString(),
          rows,
        };
      });
    return await writeBackupFile(file, header, bodyFile);
  } finally {
    await rm(bodyFile, { force: true });
  }
}

/**
 * Restores a checked backup into `db`, an empty database, then migrates it to the latest
 * schema. A `rows` backup is restored in one transaction with the migrations around it; a
 * `pg_dump` one (PostgreSQL only, at `databaseUrl`) in pg_restore's single transaction, then
 * migrated. Throws BackupRefusedError, before anything is written, when the target is not empty.
 */
export async function restoreBackup(
  db: Kysely<Database>,
  backup: CheckedBackup,
  databaseUrl: string | undefined,
): Promise<{ rows: number }> {
  const { manifest } = backup;
  const { rows: tables } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM information_schema.tables
    WHERE table_schema = current_schema()`.execute(db);
  if (tables[0]!.n > 0) {
    throw new BackupRefusedError(
      `the database is not empty (${tables[0]!.n} tables); restore into a new one`,
    );
  }
  if (manifest.format === 'pg_dump') {
    if (!databaseUrl) {
      throw new BackupRefusedError(
        'a pg_dump backup restores into PostgreSQL only: set DATABASE_URL',
      );
    }
    await pgRestore(databaseUrl, backup.body());
    assertCounts(await countRows(db), manifest.rows);
    await migrateWithin(db);
  } else {
    await db.transaction().execute(async (trx) => {
      await migrateWithin(trx, manifest.schemaVersion);
      await loadRows(trx, backup.body());
      assertCounts(await countRows(trx), manifest.rows);
      await migrateWithin(trx);
    });
  }
  return { rows: Object.values(manifest.rows).reduce((sum, n) => sum + n, 0) };
}

function assertCounts(found: Record<string, number>, expected: Record<string, number>): void {
  const tables = new Set([...Object.keys(found), ...Object.keys(expected)]);
  const differ = [...tables].filter((table) => found[table] !== expected[table]);
  if (differ.length > 0) {
    throw new Error(
      `restored row counts differ from the manifest: ${differ
        .map(
          (table) =>
            `${table} ${found[table] ?? 'missing'} (manifest ${expected[table] ?? 'missing'})`,
        )
        .join(', ')}`,
    );
  }
}
