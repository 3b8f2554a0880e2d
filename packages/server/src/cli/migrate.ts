import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { migrateToLatest, migrationStatus } from '../db/migrate.js';
import type { Logger } from '../logger.js';
import { DATABASE_HELP, openDatabase } from './open-database.js';

export const migrateHelp = `Usage: fulian migrate [--status]

Brings the database schema to the latest migration. With --status, changes nothing and lists
every migration, one a line: applied (with when), pending (this build has it, the database
not yet), or unknown (the database has it and this build does not: a newer release migrated
it), with its phase: expand (the previous release keeps working on the migrated schema) or
contract (removes what only releases before the previous one used; see docs/operations.md).
${DATABASE_HELP}`;

export async function migrateCommand(args: string[], logger: Logger): Promise<void> {
  const { values } = parseArgs({ args, options: { status: { type: 'boolean' } } });
  const db = await openDatabase(loadConfig(), logger);
  try {
    if (values.status) {
      const states = await migrationStatus(db);
      for (const { name, state, phase, appliedAt } of states) {
        console.log(
          [state, name, phase ?? '-', appliedAt?.toISOString()].filter(Boolean).join('\t'),
        );
      }
      const count = (state: string) => states.filter((m) => m.state === state).length;
      const pending = count('pending');
      const unknown = count('unknown');
      const contracts = states.filter(
        (m) => m.state === 'pending' && m.phase === 'contract',
      ).length;
      console.log(
        pending
          ? `${pending} pending${contracts ? `, ${contracts} of them contract` : ''}; \`fulian migrate\` applies them`
          : unknown
            ? `${unknown} unknown to this build; the database is ahead of it`
            : 'schema is up to date',
      );
      return;
    }
    const results = await migrateToLatest(db);
    const ahead = (await migrationStatus(db)).filter((m) => m.state === 'unknown').length;
    console.log(
      results.length
        ? results.map((r) => `migrated ${r.migrationName}`).join('\n')
        : ahead
          ? `${ahead} unknown to this build; the database is ahead of it, nothing to apply`
          : 'schema is up to date',
    );
  } finally {
    await db.destroy();
  }
}
