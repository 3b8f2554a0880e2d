import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { takeBackup, BackupRefusedError } from '../backup/backup.service.js';
import { loadConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { CliError } from './dispatch.js';
import { DATABASE_HELP, openDatabase } from './open-database.js';

export const backupHelp = `Usage: fulian backup -o FILE

Writes a consistent backup of the database to FILE: a header naming the schema version (the
last migration applied), the build (version and git commit) and the rows per table, with a
checksum of the body; then the body. On PostgreSQL the body is \`pg_dump --format=custom\`
(pg_dump from PATH, or from FULIAN_PG_BIN); on PGlite it is a logical dump of every row,
taken through the running \`fulian serve\` when one holds the data directory (its writes wait
while the backup reads). \`fulian restore\` reads it back.

  -o, --output FILE   where to write (an existing file is replaced once the backup is complete)

${DATABASE_HELP}`;

export async function backupCommand(args: string[], logger: Logger): Promise<void> {
  const { values } = parseArgs({ args, options: { output: { type: 'string', short: 'o' } } });
  if (!values.output) throw new CliError('give the file to write: -o FILE');
  const config = loadConfig();
  const db = await openDatabase(config, logger);
  try {
    const started = Date.now();
    const manifest = await takeBackup(db, values.output, config.databaseUrl).catch((error) => {
      throw error instanceof BackupRefusedError || isToolFailure(error)
        ? new CliError(error.message)
        : error;
    });
    const rows = Object.values(manifest.rows).reduce((sum, n) => sum + n, 0);
    const { size } = await stat(values.output);
    console.log(
      `backed up ${rows} rows in ${Object.keys(manifest.rows).length} tables at schema ${manifest.schemaVersion} to ${values.output} (${manifest.format}, ${size} bytes, ${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
  } finally {
    await db.destroy();
  }
}

/** pg_dump or pg_restore could not run or failed: its own first line says why. */
export function isToolFailure(error: unknown): error is Error {
  return error instanceof Error && /^(cannot run )?pg_(dump|restore)\b/.test(error.message);
}
