import type { Kysely } from 'kysely';
import { ANONYMOUS, type Viewer } from './auth/viewer.js';
import type { Database } from './db/tables.js';
import type { CostMeter } from './limits/actual-cost.js';
import { createLoaders, type Loaders } from './loaders.js';

export interface Context {
  db: Kysely<Database>;
  loaders: Loaders;
  viewer: Viewer;
  requestId: string;
  /** The caller's network address (rate limiting of anonymous callers); absent in process. */
  clientAddress?: string | undefined;
  /** What the fields resolved so far cost (limits/actual-cost.ts). */
  cost: CostMeter;
}

export function createContext(
  db: Kysely<Database>,
  requestId: string,
  viewer: Viewer = ANONYMOUS,
  clientAddress?: string,
): Context {
  return { db, loaders: createLoaders(db), viewer, requestId, clientAddress, cost: { actual: 0 } };
}
