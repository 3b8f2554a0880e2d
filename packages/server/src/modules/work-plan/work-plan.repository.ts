import type { Kysely } from 'kysely';
import type {
  Database,
  WorkPlanItemRow,
  WorkPlanRow,
  WorkPlanSectionRow,
  WorkPlanTargetRow,
} from '../../db/tables.js';

export async function findWorkPlansByIds(
  db: Kysely<Database>,
  ids: readonly number[],
): Promise<WorkPlanRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('work_plan')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute();
}

export async function findWorkPlansByOrganizations(
  db: Kysely<Database>,
  organizationIds: readonly number[],
): Promise<WorkPlanRow[]> {
  if (organizationIds.length === 0) return [];
  return db
    .selectFrom('work_plan')
    .selectAll()
    .where('organization_id', 'in', [...organizationIds])
    .orderBy('period_start')
    .orderBy('id')
    .execute();
}

export async function findSections(
  db: Kysely<Database>,
  workPlanIds: readonly number[],
): Promise<WorkPlanSectionRow[]> {
  if (workPlanIds.length === 0) return [];
  return db
    .selectFrom('work_plan_section')
    .selectAll()
    .where('work_plan_id', 'in', [...workPlanIds])
    .orderBy('position')
    .execute();
}

export async function findItems(
  db: Kysely<Database>,
  sectionIds: readonly number[],
): Promise<WorkPlanItemRow[]> {
  if (sectionIds.length === 0) return [];
  return db
    .selectFrom('work_plan_item')
    .selectAll()
    .where('section_id', 'in', [...sectionIds])
    .orderBy('position')
    .execute();
}

export async function findTargets(
  db: Kysely<Database>,
  itemIds: readonly number[],
): Promise<WorkPlanTargetRow[]> {
  if (itemIds.length === 0) return [];
  return db
    .selectFrom('work_plan_target')
    .selectAll()
    .where('item_id', 'in', [...itemIds])
    .orderBy('position')
    .execute();
}
