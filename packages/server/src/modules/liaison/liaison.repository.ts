import type { Kysely } from 'kysely';
import type { Database, LiaisonAssignmentRow, LiaisonRow } from '../../db/tables.js';

export async function findAssignmentsByOrganizations(
  db: Kysely<Database>,
  organizationIds: readonly number[],
): Promise<LiaisonAssignmentRow[]> {
  if (organizationIds.length === 0) return [];
  return db
    .selectFrom('liaison_assignment')
    .selectAll()
    .where('organization_id', 'in', [...organizationIds])
    .orderBy('id')
    .execute();
}

export async function findAssignedCounties(
  db: Kysely<Database>,
  assignmentIds: readonly number[],
): Promise<{ assignment_id: number; organization_id: number }[]> {
  if (assignmentIds.length === 0) return [];
  return db
    .selectFrom('liaison_assignment_county')
    .select(['assignment_id', 'organization_id'])
    .where('assignment_id', 'in', [...assignmentIds])
    .orderBy('position')
    .execute();
}

export async function findLiaisons(
  db: Kysely<Database>,
  assignmentIds: readonly number[],
): Promise<LiaisonRow[]> {
  if (assignmentIds.length === 0) return [];
  return db
    .selectFrom('liaison')
    .selectAll()
    .where('assignment_id', 'in', [...assignmentIds])
    .orderBy('position')
    .execute();
}
