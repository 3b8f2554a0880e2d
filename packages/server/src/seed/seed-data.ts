import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import type { Database } from '../db/tables.js';
import { readSeedFiles } from './seed-data.files.js';
import { loadSeedPlan, type LoadCounts } from './seed-data.load.js';
import type { SeedPlan } from './seed-data.plan.js';
import { validateSeeds } from './seed-data.validate.js';

/** The repository's seeds/ directory, from the sources and from the compiled output alike. */
export const SEEDS_DIRECTORY = fileURLToPath(new URL('../../../../seeds', import.meta.url));

export interface SeedDataResult {
  plan: SeedPlan;
  counts: LoadCounts;
}

/**
 * Loads seeds/ (the metric catalogue and every document file) into a database that already
 * holds the tree: reads and validates everything first, then writes in one transaction, so
 * one bad record loads nothing. Idempotent: a second run writes nothing.
 *
 * @example
 * const { counts } = await seedData(db);
 */
export async function seedData(
  db: Kysely<Database>,
  directory = SEEDS_DIRECTORY,
): Promise<SeedDataResult> {
  const files = await readSeedFiles(directory);
  const plan = await validateSeeds(files, async (codes, keys) => {
    const rows =
      codes.length + keys.length === 0
        ? []
        : await db
            .selectFrom('organization')
            .select(['code', 'seed_key'])
            .where((eb) =>
              eb.or([
                eb('code', '=', eb.fn.any(eb.val(codes))),
                eb('seed_key', '=', eb.fn.any(eb.val(keys))),
              ]),
            )
            .execute();
    return {
      codes: new Set(rows.flatMap((row) => (row.code ? [row.code] : []))),
      keys: new Set(rows.flatMap((row) => (row.seed_key ? [row.seed_key] : []))),
    };
  });
  const counts = await db.transaction().execute((trx) => loadSeedPlan(trx, plan));
  return { plan, counts };
}
