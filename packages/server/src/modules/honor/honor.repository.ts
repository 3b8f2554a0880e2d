import type { Kysely } from 'kysely';
import type { Database, HonorRow } from '../../db/tables.js';

export async function findHonorsByIds(
  db: Kysely<Database>,
  ids: readonly number[],
): Promise<HonorRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('honor')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute();
}

export async function findHonorsByRecipients(
  db: Kysely<Database>,
  organizationIds: readonly number[],
): Promise<HonorRow[]> {
  if (organizationIds.length === 0) return [];
  return db
    .selectFrom('honor')
    .selectAll()
    .where('recipient_id', 'in', [...organizationIds])
    .orderBy('recipient_id')
    .orderBy('period_start')
    .orderBy('id')
    .execute();
}
