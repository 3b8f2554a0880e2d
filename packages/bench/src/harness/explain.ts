import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from '@fulian/server';
import type { PreparedOperation } from './operation.js';
import type { Explained, OperationResult } from './run.js';
import type { Statement } from './statements.js';

/**
 * EXPLAIN ANALYZE of the operation with the highest p95: its slowest statement as the server
 * sent it (replayed with the same parameters), beside the hand-written statement.
 */
export async function explainSlowest(
  db: Kysely<Database>,
  results: readonly OperationResult[],
  prepared: Map<string, { operation: PreparedOperation; next: number }>,
  traces: Map<string, Statement[]>,
): Promise<Explained | null> {
  const slowest = [...results].sort((a, b) => b.graphql.p95 - a.graphql.p95)[0];
  if (!slowest) return null;
  const statements = traces.get(slowest.name) ?? [];
  const statement = [...statements].sort((a, b) => b.durationMs - a.durationMs)[0];
  const entry = prepared.get(slowest.name)!;
  const baseline = entry.operation.baseline(entry.next).compile(db);
  // EXPLAIN ANALYZE runs the statement: inside a transaction that is rolled back, so a
  // replayed write changes nothing.
  const plan = async (text: string, parameters: readonly unknown[]) => {
    let lines: string[] = [];
    await db
      .transaction()
      .execute(async (trx) => {
        const result = await trx.executeQuery<{ 'QUERY PLAN': string }>(
          CompiledQuery.raw(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, [...parameters]),
        );
        lines = result.rows.map((row) => row['QUERY PLAN']);
        throw new RolledBack();
      })
      .catch((error: unknown) => {
        if (!(error instanceof RolledBack)) throw error;
      });
    return lines.join('\n');
  };
  return {
    operation: slowest.name,
    statement: statement?.sql ?? '',
    plan: statement ? await plan(statement.sql, statement.parameters) : '',
    baseline: baseline.sql,
    baselinePlan: await plan(baseline.sql, baseline.parameters),
  };
}

class RolledBack extends Error {}
