import type { Kysely } from 'kysely';
import type { Database } from '../../db/tables.js';
import { byIdLoader, byParentLoader } from '../../graph/row-loaders.js';
import { findProgrammesByIds, findProgrammesByOrganizations } from './programme.repository.js';

export function createProgrammeLoaders(db: Kysely<Database>) {
  return {
    byId: byIdLoader((ids) => findProgrammesByIds(db, ids)),
    byOrganization: byParentLoader(
      (ids) => findProgrammesByOrganizations(db, ids),
      (row) => row.organization_id,
    ),
  };
}
