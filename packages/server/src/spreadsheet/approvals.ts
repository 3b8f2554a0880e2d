import { sql, type Kysely } from 'kysely';
import { createContext } from '../context.js';
import type { Database } from '../db/tables.js';
import { enumeratePeriods } from '../modules/aggregation/aggregation.period.js';
import { requireByReference } from '../modules/organization/organization.reference.js';
import { subtreeUpperBound } from '../db/path.js';
import type { TableArgs, TableKind } from './table.queries.js';

/**
 * Says which reports a table's figures come from: how many approved (and, when asked,
 * submitted) reports of the templates holding the metric, for the table's periods and area,
 * and when the latest was approved (for completeness: of its template).
 */
export async function approvalsNote(
  db: Kysely<Database>,
  kind: TableKind,
  args: TableArgs,
): Promise<string> {
  const { loaders } = createContext(db, 'export-note');
  const area = args.organization ?? args.within;
  const unit = area ? await requireByReference(loaders.organization, area, 'within') : null;
  const periods =
    kind === 'SERIES' && args.from && args.to
      ? enumeratePeriods(args.from, args.to).map((period) => period.canonical)
      : [args.period ?? ''];
  const statuses = args.includeSubmitted ? ['APPROVED', 'SUBMITTED'] : ['APPROVED'];
  let query = db
    .selectFrom('submission as s')
    .innerJoin('organization as o', 'o.id', 's.organization_id')
    .innerJoin('reporting_template as t', 't.id', 's.template_id')
    .select([
      sql<number>`count(*)::int`.as('reports'),
      sql<Date | null>`max(s.approved_at)`.as('latest'),
      sql<string>`coalesce(string_agg(DISTINCT t.code, ', '), '')`.as('templates'),
    ])
    .where('s.period', 'in', periods)
    .where('s.status', 'in', statuses as never[]);
  if (unit) {
    query = query
      .where('o.path', '>=', unit.path)
      .where('o.path', '<', subtreeUpperBound(unit.path));
  }
  if (kind === 'COMPLETENESS') {
    query = query.where('t.code', '=', args.template ?? '');
  } else {
    // The templates whose reports can hold the metric, or for a ratio one of its parts.
    const metric = args.metric ?? '';
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('reporting_template_metric as tm')
          .innerJoin('metric_definition as d', 'd.code', 'tm.metric_code')
          .select(sql`1`.as('one'))
          .whereRef('tm.template_id', '=', 's.template_id')
          .where((inner) =>
            inner.or([
              inner('d.code', '=', metric),
              inner(
                'd.code',
                'in',
                inner
                  .selectFrom('metric_definition as r')
                  .select(['r.numerator_code'])
                  .where('r.code', '=', metric)
                  .where('r.numerator_code', 'is not', null)
                  .$narrowType<{ numerator_code: string }>()
                  .union(
                    inner
                      .selectFrom('metric_definition as r')
                      .select(['r.denominator_code as numerator_code'])
                      .where('r.code', '=', metric)
                      .where('r.denominator_code', 'is not', null)
                      .$narrowType<{ numerator_code: string }>(),
                  ),
              ),
            ]),
          ),
      ),
    );
  }
  const found = await query.executeTakeFirstOrThrow();
  const counted = args.includeSubmitted
    ? '已审核和已报送 approved and submitted'
    : '仅已审核 approved only';
  const latest = found.latest ? new Date(found.latest).toISOString() : '—';
  return `${counted}: ${found.reports} 份报表 report(s) of ${found.templates || args.template || '—'} for ${periods.join(', ')}${unit ? ` in ${unit.name}` : ''}; 最近审核 latest approval ${latest}`;
}
