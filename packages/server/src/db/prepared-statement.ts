import { CompiledQuery, createQueryId, type Kysely, type QueryResult } from 'kysely';
import type { Database } from './tables.js';

/** Runs a statement written once with its parameters for this execution. */
export type PreparedStatement<Row> = (
  db: Kysely<Database>,
  parameters: readonly unknown[],
) => Promise<QueryResult<Row>>;

/**
 * A statement compiled once, its parameters bound per execution: a query builder builds and
 * compiles its statement anew on every run, which for a lookup by id cost as much as the rest
 * of the request's own code (docs/performance.md, issue 14). Each execution still goes through
 * `db`'s plugins, so a request's scoped database (statement-scope.ts) ties it to the request,
 * and refuses it once the request is cancelled, as it does a builder's statement.
 */
export function preparedStatement<Row>(text: string): PreparedStatement<Row> {
  const compiled = CompiledQuery.raw(text) as CompiledQuery<Row>;
  return async (db, parameters) => {
    const executor = db.getExecutor();
    const queryId = createQueryId();
    const query = executor.transformQuery(compiled.query, queryId);
    return executor.executeQuery<Row>({ ...compiled, query, queryId, parameters });
  };
}
