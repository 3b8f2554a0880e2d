import type { Kysely } from 'kysely';
import type { Database } from '../../db/tables.js';
import { byIdLoader } from '../../graph/row-loaders.js';
import { findDocumentsByIds } from './document.repository.js';

export function createDocumentLoaders(db: Kysely<Database>) {
  return { byId: byIdLoader((ids) => findDocumentsByIds(db, ids)) };
}
