import type { Kysely } from 'kysely';
import type { Database } from '../../db/tables.js';
import { byParentLoader } from '../../graph/row-loaders.js';
import {
  findAssignedCounties,
  findAssignmentsByOrganizations,
  findLiaisons,
} from './liaison.repository.js';

export function createLiaisonLoaders(db: Kysely<Database>) {
  return {
    assignmentsByOrganization: byParentLoader(
      (ids) => findAssignmentsByOrganizations(db, ids),
      (row) => row.organization_id,
    ),
    countyIds: byParentLoader(
      (ids) => findAssignedCounties(db, ids),
      (row) => row.assignment_id,
    ),
    liaisons: byParentLoader(
      (ids) => findLiaisons(db, ids),
      (row) => row.assignment_id,
    ),
  };
}
