import { createHash } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';

/** What a kept-plan statement's text starts with; the pool looks for it (postgres-pool.ts). */
const MARK = '/* kept plan */';

/**
 * Marks a statement whose planning costs more than its execution (a roll-up's aggregate: ~1 ms
 * of planning for ~0.7 ms of work, docs/performance.md). On PostgreSQL the pool then prepares
 * it once per connection under a name made from its text, so the server keeps its plan: a
 * generic one once it costs no more than the custom plans (PostgreSQL's plan-cache rule), which
 * later executions run without planning. Its text must come from a bounded set of shapes, its
 * values all parameters: every distinct text is a statement kept on every connection. PGlite
 * sends it as any other statement (the comment changes nothing there).
 *
 * @example
 * await keptPlan(sql`SELECT … WHERE metric_code = ${code}`).execute(db);
 */
export function keptPlan<T>(statement: RawBuilder<T>): RawBuilder<T> {
  return sql<T>`${sql.raw(MARK)} ${statement}`;
}

/** The same for a statement written as text (db/prepared-statement.ts). */
export function keptPlanText(statement: string): string {
  return `${MARK} ${statement}`;
}

/**
 * The names given so far, by text: as bounded as the statements kept, and a lookup costs less
 * than hashing a roll-up's 5 kB of text on every request (~0.1 ms in a profile).
 */
const names = new Map<string, string>();

/** The name a kept-plan statement is prepared under; undefined for any other statement. */
export function keptPlanName(text: string): string | undefined {
  if (!text.startsWith(MARK)) return undefined;
  let name = names.get(text);
  if (name === undefined) {
    name = `kept_${createHash('sha1').update(text).digest('hex')}`;
    names.set(text, name);
  }
  return name;
}
