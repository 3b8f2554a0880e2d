import { sql, type Kysely } from 'kysely';
import type { MigrationPhase } from './phase.js';

/**
 * The steps that compute a province's (or the root's) total and coverage from its cities'
 * stored rows, with their plans kept per connection. A read calls metric_total_step and
 * metric_coverage_step on a sub-select of group ids, so the SQL functions are not inlined and
 * their large statements are planned on every read: the province's step took 5–21 ms, almost
 * all of it planning, for 1 ms of execution. Wrapped in PL/pgSQL, which keeps the plan of its
 * RETURN QUERY per connection, the step (its arguments being the wrapper's parameters, it is
 * inlined there) is planned once, generically, as the writers' metric_total_store is
 * (migration 0011). Reads use the wrappers only for the groups above the stored depth: for
 * many groups (134 counties) the generic plan was slower than a custom one.
 *
 * Each wrapper answers its step's columns, read from the catalogue, so a migration that
 * changes a step's columns replaces its wrapper too.
 */
export const phase: MigrationPhase = 'expand';

const WRAPPED = [
  { step: 'metric_total_step', args: 'integer[], text[], text[], text[]', params: 4 },
  { step: 'metric_coverage_step', args: 'integer[], text[], text[]', params: 3 },
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const { step, args, params } of WRAPPED) {
    const { rows } = await sql<{ result: string }>`
      SELECT pg_get_function_result(${`${step}(${args})`}::regprocedure) AS result`.execute(db);
    const names = Array.from({ length: params }, (_, i) => `step_arg${i + 1}`);
    const declared = args.split(', ').map((type, i) => `${names[i]} ${type}`);
    await sql
      .raw(
        `CREATE FUNCTION ${step}_kept(${declared.join(', ')})
        RETURNS ${rows[0]!.result}
        LANGUAGE plpgsql STABLE
        SET plan_cache_mode = force_generic_plan
        AS $$
        BEGIN
          RETURN QUERY SELECT * FROM ${step}(${names.join(', ')});
        END $$`,
      )
      .execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const { step, args } of WRAPPED) {
    await sql.raw(`DROP FUNCTION ${step}_kept(${args})`).execute(db);
  }
}
