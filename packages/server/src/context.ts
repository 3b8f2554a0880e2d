import type { Kysely } from 'kysely';
import { ANONYMOUS, type Viewer } from './auth/viewer.js';
import type { StatementScope } from './db/statement-scope.js';
import type { Database } from './db/tables.js';
import type { CostMeter } from './limits/actual-cost.js';
import { createLoaders, type Loaders } from './loaders.js';

export interface Context {
  /** The request's database: scopedDatabase(…, scope) for a request over HTTP. */
  db: Kysely<Database>;
  /** The request's statement scope (statement-scope.ts); absent in process and for subscriptions. */
  scope?: StatementScope | undefined;
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
  scope?: StatementScope,
): Context {
  const loaders = createLoaders(db);
  return { db, scope, loaders, viewer, requestId, clientAddress, cost: { actual: 0 } };
}
