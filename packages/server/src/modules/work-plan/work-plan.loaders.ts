import type { Kysely } from 'kysely';
import type { Database } from '../../db/tables.js';
import { byIdLoader, byParentLoader } from '../../graph/row-loaders.js';
import {
  findItems,
  findSections,
  findTargets,
  findWorkPlansByIds,
  findWorkPlansByOrganizations,
} from './work-plan.repository.js';

export function createWorkPlanLoaders(db: Kysely<Database>) {
  return {
    byId: byIdLoader((ids) => findWorkPlansByIds(db, ids)),
    byOrganization: byParentLoader(
      (ids) => findWorkPlansByOrganizations(db, ids),
      (row) => row.organization_id,
    ),
    sections: byParentLoader(
      (ids) => findSections(db, ids),
      (row) => row.work_plan_id,
    ),
    items: byParentLoader(
      (ids) => findItems(db, ids),
      (row) => row.section_id,
    ),
    targets: byParentLoader(
      (ids) => findTargets(db, ids),
      (row) => row.item_id,
    ),
  };
}
