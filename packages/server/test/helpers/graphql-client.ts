import type { GraphQLFormattedError } from 'graphql';
import type { Viewer } from '../../src/auth/viewer.js';
import { createContext } from '../../src/context.js';
import { scopedDatabase, type StatementScope } from '../../src/db/statement-scope.js';
import type { Limits } from '../../src/limits/limits.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { createServer, type FulianServer } from '../../src/server.js';
import type { TestDatabase } from './test-database.js';

export interface GraphQLResult<Data = any> {
  data?: Data | null;
  errors?: readonly GraphQLFormattedError[];
  extensions?: Record<string, unknown>;
  /** The SQL statements this one request sent. */
  statements: string[];
}

export interface ClientOptions {
  production?: boolean;
  introspection?: boolean;
  /** Limits that differ from the defaults; rate limiting is off unless given here. */
  limits?: Partial<Limits>;
  logger?: Logger;
}

/** Runs operations through the real Apollo server (error formatting included), in process. */
export async function createGraphQLClient(database: TestDatabase, options: ClientOptions = {}) {
  const server: FulianServer = await createServer({
    db: database.db,
    logger: options.logger ?? createLogger('silent'),
    production: options.production ?? false,
    introspection: options.introspection,
    limits: { rateLimit: null, ...options.limits },
  });

  /** Runs one operation as `viewer` (anonymous by default), in `scope` if given. */
  async function execute<Data = any>(
    query: string,
    variables: Record<string, unknown> = {},
    viewer?: Viewer,
    scope?: StatementScope,
  ): Promise<GraphQLResult<Data>> {
    const db = scope ? scopedDatabase(database.db, scope) : database.db;
    const { result, statements } = await database.counting(() =>
      server.apollo.executeOperation(
        { query, variables },
        { contextValue: createContext(db, 'test', viewer, undefined, scope) },
      ),
    );
    if (result.body.kind !== 'single') throw new Error('incremental delivery is not used');
    const { data, errors, extensions } = result.body.singleResult;
    return { data: data as Data | null | undefined, errors, extensions, statements };
  }

  return { server, execute };
}

/** The codes of a result's errors, for concise assertions. */
export function errorCodes(result: { errors?: readonly GraphQLFormattedError[] }): unknown[] {
  return (result.errors ?? []).map((error) => error.extensions?.code);
}
