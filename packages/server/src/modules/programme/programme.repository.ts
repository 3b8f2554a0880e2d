import type { Kysely } from 'kysely';
import type { Database, ProgrammeRow } from '../../db/tables.js';

export async function findProgrammesByIds(
  db: Kysely<Database>,
  ids: readonly number[],
): Promise<ProgrammeRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('programme')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute();
}

export async function findProgrammesByOrganizations(
  db: Kysely<Database>,
  organizationIds: readonly number[],
): Promise<ProgrammeRow[]> {
  if (organizationIds.length === 0) return [];
  return db
    .selectFrom('programme')
    .selectAll()
    .where('organization_id', 'in', [...organizationIds])
    .orderBy('organization_id')
    .orderBy('id')
    .execute();
}
