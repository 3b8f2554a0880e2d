import { sql } from 'kysely';
import type { OperationDefinition } from '../harness/operation.js';
import { HUNAN_CODE, requireUnit } from './lookups.js';

const QUERY = `query Completeness($template: String!, $period: String!) {
  completeness(template: $template, period: $period, within: "${HUNAN_CODE}") {
    totals { expected missing draft submitted returned approved }
    units(first: 20) {
      edges { node { status submittedAt daysLate organization { code name } } }
    }
  }
}`;

interface Data {
  completeness: {
    totals: Record<string, number>;
    units: {
      edges: {
        node: {
          status: string;
          submittedAt: string | null;
          daysLate: number;
          organization: { code: string; name: string };
        };
      }[];
    };
  };
}

/**
 * `completeness`: the 14 cities' annual summaries for the year still in progress: totals by
 * status and each city's status, submission time and days late.
 */
export const completeness: OperationDefinition = {
  name: 'completeness',
  async prepare({ db, currentYear, credentials }) {
    const hunan = await requireUnit(db, HUNAN_CODE);
    const headers = await credentials('VIEWER', HUNAN_CODE);
    const template = await db
      .selectFrom('reporting_template')
      .select(['id', 'code', 'submitting_levels', 'due_days'])
      .where('period_type', '=', 'YEAR')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const period = String(currentYear);
    // Due `due_days` after the period's last day.
    const due = sql`(${`${currentYear}-12-31`}::date + ${template.due_days}::int)`;
    const variables = { template: template.code, period };
    return {
      description: `${template.code} for ${period}: the cities' reports, totals and days late`,
      passLength: 1,
      request: () => ({ body: { query: QUERY, variables }, headers }),
      // Every unit the template expects, its report if any, totals over all and the first
      // 20 in tree order, days late counted on China's calendar.
      baseline: () => sql`
        WITH expected AS (
          SELECT e.code, e.name, e.path, coalesce(s.status, 'NOT_STARTED') AS status,
            s.submitted_at
          FROM organization e
          LEFT JOIN submission s ON s.organization_id = e.id
            AND s.template_id = ${template.id} AND s.period = ${period}
          WHERE e.kind = 'FEDERATION' AND e.level = ANY(${template.submitting_levels}::text[])
            AND e.path >= ${hunan.path} AND e.path < ${hunan.upperPath}
        ),
        totals AS (
          SELECT count(*)::int AS expected,
            count(*) FILTER (WHERE status IN ('NOT_STARTED', 'DRAFT'))::int AS missing,
            count(*) FILTER (WHERE status = 'DRAFT')::int AS draft,
            count(*) FILTER (WHERE status = 'SUBMITTED')::int AS submitted,
            count(*) FILTER (WHERE status = 'RETURNED')::int AS returned,
            count(*) FILTER (WHERE status = 'APPROVED')::int AS approved
          FROM expected
        )
        SELECT t.*, u.code, u.name, u.status, u.submitted_at,
          greatest(0, (coalesce(u.submitted_at, now()) AT TIME ZONE 'Asia/Shanghai')::date
            - ${due}) AS days_late
        FROM totals t
        LEFT JOIN LATERAL (
          SELECT code, name, status,
            CASE WHEN status IN ('NOT_STARTED', 'DRAFT') THEN NULL ELSE submitted_at END AS submitted_at
          FROM expected ORDER BY path LIMIT 20
        ) u ON true`,
      fromGraphQL: ({ completeness: found }: Data) => [
        found.totals,
        found.units.edges.map(({ node }) => [
          node.organization.code,
          node.status,
          node.submittedAt === null ? null : new Date(node.submittedAt).toISOString(),
          node.daysLate,
        ]),
      ],
      fromSql: (rows) => [
        {
          expected: rows[0].expected,
          missing: rows[0].missing,
          draft: rows[0].draft,
          submitted: rows[0].submitted,
          returned: rows[0].returned,
          approved: rows[0].approved,
        },
        rows
          .filter((row) => row.code !== null)
          .map((row) => [
            row.code,
            row.status,
            row.submitted_at === null ? null : new Date(row.submitted_at).toISOString(),
            row.days_late,
          ]),
      ],
    };
  },
};
