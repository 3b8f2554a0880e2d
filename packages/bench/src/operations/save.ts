import { sql } from 'kysely';
import { toGlobalId } from '@fulian/server';
import { COMPANION_TEMPLATE } from '../generate/submissions.js';
import type { Headers, OperationDefinition } from '../harness/operation.js';
import { canonicalDecimal, companionReports } from './lookups.js';

const VALUES_PER_SAVE = 30;
/** At most this many county drafts take turns (and, under HTTP load, one per slot in flight). */
const MAX_LANES = 32;

const QUERY = `mutation Save($input: SaveSubmissionValuesInput!) {
  saveSubmissionValues(input: $input) {
    submission { id version status }
    changes { metric kind after { value } }
  }
}`;

const VERSION_QUERY = `query Version($id: ID!) { submission(id: $id) { version } }`;

interface Data {
  saveSubmissionValues: {
    submission: { version: number };
    changes: { metric: string; after: { value: string } | null }[];
  };
}

/** One county draft that saves take turns on, with its editor and the version last seen. */
interface Lane {
  id: number;
  code: string;
  version: number;
  actor: string;
  headers: Headers;
}

/**
 * `save`: a county's editor saves 30 figures of its draft annual report in one
 * saveSubmissionValues, with the version it last read. Each save changes every figure (the
 * values grow with the request index), and saves rotate over the county drafts of the year
 * in progress; under HTTP load each request in flight has a draft of its own.
 */
export const save: OperationDefinition = {
  name: 'save',
  async prepare({ db, currentYear, credentials }) {
    const drafts = await companionReports(db, {
      year: currentYear,
      level: 'COUNTY',
      status: 'DRAFT',
      limit: MAX_LANES,
    });
    if (drafts.length === 0) throw new Error(`no county draft for ${currentYear} to save into`);
    const lanes: Lane[] = await Promise.all(
      drafts.map(async (row) => {
        const headers = await credentials('EDITOR', row.code);
        return { ...row, actor: `staff:bench-editor-${row.code}`, headers };
      }),
    );
    // The template's first 30 figures that are entered as they are (not ratios or ranks).
    const metrics = await sql<{ code: string; value_type: string; unit: string }>`
      SELECT d.code, d.value_type, d.unit
      FROM reporting_template_metric m
      JOIN reporting_template t ON t.id = m.template_id AND t.code = ${COMPANION_TEMPLATE}
      JOIN metric_definition d ON d.code = m.metric_code
      WHERE d.tree_aggregation NOT IN ('RATIO', 'NONE') AND d.value_type <> 'PERCENT'
      ORDER BY m.position
      LIMIT ${VALUES_PER_SAVE}`.execute(db);
    // In process, saves take the drafts in turn; under HTTP load each slot keeps to a draft of
    // its own, so no two requests in flight race for one draft's version.
    const laneOf = (index: number, slot?: number) => lanes[(slot ?? index) % lanes.length]!;
    // Well above any county's own figures, and different for every request.
    const valuesOf = (index: number) =>
      metrics.rows.map((metric, position) => {
        const amount = 1_000_000 + position * 1_000 + index;
        return {
          metric: metric.code,
          value: metric.value_type === 'INTEGER' ? String(amount) : `${amount}.5`,
          unit: metric.unit,
        };
      });
    const sorted = (pairs: [string, string][]) =>
      pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

    return {
      description: `A county saves ${metrics.rows.length} figures of its ${currentYear} draft (${lanes.length} drafts in turn)`,
      passLength: lanes.length,
      request: (index, slot) => {
        const lane = laneOf(index, slot);
        const values = valuesOf(index).map(({ metric, value }) => ({ metric, value }));
        return {
          body: {
            query: QUERY,
            variables: {
              input: {
                id: toGlobalId('Submission', lane.id),
                expectedVersion: lane.version,
                values,
              },
            },
          },
          headers: lane.headers,
        };
      },
      onData: (index, data, slot) => {
        laneOf(index, slot).version = (data as Data).saveSubmissionValues.submission.version;
      },
      async sync(execute) {
        for (const lane of lanes) {
          const data = (await execute({
            body: { query: VERSION_QUERY, variables: { id: toGlobalId('Submission', lane.id) } },
            headers: lane.headers,
          })) as { submission: { version: number } };
          lane.version = data.submission.version;
        }
      },
      // The same write in one statement: the version bumped, the 30 figures upserted, one
      // audit row per figure with its value before and after.
      baseline: (index) => {
        const lane = laneOf(index);
        const values = valuesOf(index);
        return sql`
          WITH s AS (
            UPDATE submission SET version = version + 1, updated_at = now(), updated_by = ${lane.actor}
            WHERE id = ${lane.id} AND status IN ('DRAFT', 'RETURNED')
            RETURNING id, version, status, organization_id, period, period_type, period_start, period_end
          ),
          input AS (
            SELECT * FROM unnest(${values.map((v) => v.metric)}::text[],
              ${values.map((v) => v.value)}::numeric[], ${values.map((v) => v.unit)}::text[])
              AS i(metric_code, value, unit)
          ),
          old AS (
            SELECT v.metric_code, v.value FROM metric_value v
            WHERE v.submission_id = ${lane.id}
          ),
          up AS (
            INSERT INTO metric_value (organization_id, metric_code, period, period_type,
              period_start, period_end, value, unit, qualifier, scope, aggregatable, submission_id)
            SELECT s.organization_id, i.metric_code, s.period, s.period_type, s.period_start,
              s.period_end, i.value, i.unit, 'EXACT', 'SELF', true, s.id
            FROM s, input i
            ON CONFLICT (submission_id, metric_code) WHERE submission_id IS NOT NULL
            DO UPDATE SET value = excluded.value, qualifier = excluded.qualifier,
              scope = excluded.scope, aggregatable = excluded.aggregatable, updated_at = now()
            RETURNING metric_code, value
          ),
          audit AS (
            INSERT INTO submission_audit (submission_id, actor, action, from_status, to_status,
              version, metric_code, before, after)
            SELECT s.id, ${lane.actor}, 'SET_VALUE', s.status, s.status, s.version, up.metric_code,
              CASE WHEN old.value IS NULL THEN NULL ELSE jsonb_build_object('value', old.value) END,
              jsonb_build_object('value', up.value)
            FROM s CROSS JOIN up LEFT JOIN old ON old.metric_code = up.metric_code
          )
          SELECT metric_code, value FROM up`;
      },
      fromGraphQL: (data: Data) =>
        sorted(
          data.saveSubmissionValues.changes.map((change) => [
            change.metric,
            canonicalDecimal(change.after!.value),
          ]),
        ),
      fromSql: (rows) =>
        sorted(rows.map((row) => [row.metric_code, canonicalDecimal(String(row.value))])),
    };
  },
};
