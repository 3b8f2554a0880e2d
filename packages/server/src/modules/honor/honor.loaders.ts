import type { Kysely } from 'kysely';
import type { Database } from '../../db/tables.js';
import { byIdLoader, byParentLoader } from '../../graph/row-loaders.js';
import { findHonorsByIds, findHonorsByRecipients } from './honor.repository.js';

export function createHonorLoaders(db: Kysely<Database>) {
  return {
    byId: byIdLoader((ids) => findHonorsByIds(db, ids)),
    byRecipient: byParentLoader(
      (ids) => findHonorsByRecipients(db, ids),
      (row) => row.recipient_id,
    ),
  };
}
