import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/tables.js';

/**
 * Three units, enough for tokens and their level checks: the national root, Hunan (43) and
 * Changsha (4301), for tests that spawn the CLI against a database of their own.
 */
export async function insertTokenOrganizations(db: Kysely<Database>): Promise<void> {
  await db
    .insertInto('organization')
    .values([
      {
        id: 1,
        name: '全国妇联',
        level: 'NATIONAL',
        kind: 'FEDERATION',
        parent_id: null,
        path: '0000000001/',
        depth: 0,
      },
      {
        id: 2,
        code: '43',
        name: '湖南省妇联',
        level: 'PROVINCE',
        kind: 'FEDERATION',
        parent_id: 1,
        path: '0000000001/0000000002/',
        depth: 1,
      },
      {
        id: 3,
        code: '4301',
        name: '长沙市妇联',
        level: 'CITY',
        kind: 'FEDERATION',
        parent_id: 2,
        path: '0000000001/0000000002/0000000003/',
        depth: 2,
      },
    ])
    .execute();
}
