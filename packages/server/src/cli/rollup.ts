// The aggregation module's types carry type-graphql decorators, which need the metadata
// polyfill loaded before them.
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { migrateToLatest } from '../db/migrate.js';
import type { Logger } from '../logger.js';
import { subtreeOf, verifyTotals } from '../modules/aggregation/aggregation.verify.js';
import { parsePeriod } from '../period/period.js';
import { CliError } from './dispatch.js';
import { openDatabase } from './open-database.js';

export const rollupHelp = `Usage: fulian rollup verify [--within CODE] [--period P]

Recomputes the maintained subtree totals from the figures, with the set-based statement the
totals replaced, and prints every difference: unit, metric, period, counting basis, column,
the figures' answer and the totals'. Exits 1 when there is any.

  --within CODE   only the subtree of this organization (its division code)
  --period P      only this period (2020, 2020Q1, 2020-03)

Uses DATABASE_URL (PostgreSQL) when set, else PGlite in FULIAN_DATA_DIR.`;

export async function rollupCommand(args: string[], logger: Logger): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { within: { type: 'string' }, period: { type: 'string' } },
  });
  if (positionals.length !== 1 || positionals[0] !== 'verify') throw new CliError(rollupHelp);
  const period = values.period ? parsePeriod(values.period, 'period').canonical : null;
  const db = await openDatabase(loadConfig(), logger);
  try {
    await migrateToLatest(db);
    const within = values.within ? await subtreeOf(db, values.within) : null;
    if (values.within && !within) throw new CliError(`no organization ${values.within}`);
    const started = Date.now();
    const result = await verifyTotals(db, { within, period });
    for (const d of result.differences) {
      console.log(
        `${d.path} (id ${d.organizationId}) ${d.metric} ${d.period} ${d.basis} ${d.column}: figures ${JSON.stringify(d.figures)}, totals ${JSON.stringify(d.totals)}`,
      );
    }
    console.log(
      `${result.compared} totals compared in ${((Date.now() - started) / 1000).toFixed(1)} s, ${result.differences.length} difference(s)`,
    );
    if (result.differences.length > 0) process.exitCode = 1;
  } finally {
    await db.destroy();
  }
}
