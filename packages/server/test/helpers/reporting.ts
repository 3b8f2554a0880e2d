import { sql, type Kysely } from 'kysely';
import type { Role, Viewer } from '../../src/auth/viewer.js';
import type {
  Database,
  MetricScope,
  OrganizationRow,
  TemplatePeriodType,
  Qualifier,
  SubmissionStatus,
} from '../../src/db/tables.js';
import type { AggregateSpec } from '../../src/modules/aggregation/aggregation.spec.js';
import { rebuildTotals } from '../../src/modules/aggregation/aggregation.totals.js';
import type { ReportedMetric } from '../../src/modules/metric/metric.repository.js';
import { isAggregatable } from '../../src/modules/metric/metric.validation.js';
import { parsePeriod } from '../../src/period/period.js';

/**
 * A hand-built tree for arithmetic a reader can check by hand:
 *
 *   root (national) ─ 43 province ─┬ 4301 A ─┬ 430101 A1
 *                                  │         └ 430102 A2
 *                                  ├ 4302 B ─┬ 430201 B1
 *                                  │         └ 430202 B2
 *                                  └ 4303 C ── 430301 C1
 */
export const HAND_TREE = [
  { id: 1, code: null, name: '全国妇联', level: 'NATIONAL', parent: null },
  { id: 2, code: '43', name: '省妇联', level: 'PROVINCE', parent: 1 },
  { id: 3, code: '4301', name: 'A市妇联', level: 'CITY', parent: 2 },
  { id: 4, code: '4302', name: 'B市妇联', level: 'CITY', parent: 2 },
  { id: 5, code: '4303', name: 'C市妇联', level: 'CITY', parent: 2 },
  { id: 6, code: '430101', name: 'A1县妇联', level: 'COUNTY', parent: 3 },
  { id: 7, code: '430102', name: 'A2县妇联', level: 'COUNTY', parent: 3 },
  { id: 8, code: '430201', name: 'B1县妇联', level: 'COUNTY', parent: 4 },
  { id: 9, code: '430202', name: 'B2县妇联', level: 'COUNTY', parent: 4 },
  { id: 10, code: '430301', name: 'C1县妇联', level: 'COUNTY', parent: 5 },
] as const;

/**
 * Two townships under 430101 A1 and a village under the first, for a chain of four stored
 * units (village, township, county, city) as the bench's village reports have.
 */
export const HAND_TOWNS = [
  { id: 11, code: '430101001', name: 'A1a镇妇联', level: 'TOWNSHIP', parent: 6 },
  { id: 12, code: '430101002', name: 'A1b镇妇联', level: 'TOWNSHIP', parent: 6 },
  { id: 13, code: '430101001001', name: 'A1a1村妇联', level: 'VILLAGE', parent: 11 },
] as const;

type HandUnit = (typeof HAND_TREE)[number] | (typeof HAND_TOWNS)[number];

/** Inserts the hand tree (HAND_TREE, or a tree that extends it), parents first. */
export async function seedHandTree(
  db: Kysely<Database>,
  units: readonly HandUnit[] = HAND_TREE,
): Promise<void> {
  const paths = new Map<number, string>();
  const depths = new Map<number, number>();
  for (const unit of units) {
    const parentPath = unit.parent === null ? '' : paths.get(unit.parent)!;
    paths.set(unit.id, `${parentPath}${String(unit.id).padStart(10, '0')}/`);
    depths.set(unit.id, unit.parent === null ? 0 : depths.get(unit.parent)! + 1);
  }
  await db
    .insertInto('organization')
    .values(
      units.map((unit) => ({
        id: unit.id,
        code: unit.code,
        name: unit.name,
        level: unit.level,
        kind: 'FEDERATION' as const,
        parent_id: unit.parent,
        path: paths.get(unit.id)!,
        depth: depths.get(unit.id)!,
      })),
    )
    .execute();
  await sql`SELECT setval(pg_get_serial_sequence('organization', 'id'), 100)`.execute(db);
}

/** A small catalogue: sums, money, a ratio with its parts, and a rank that never combines. */
export async function seedTestMetrics(db: Kysely<Database>): Promise<void> {
  const base = { description: null, numerator_code: null, denominator_code: null, factor: null };
  await db
    .insertInto('metric_definition')
    .values([
      {
        ...base,
        code: 'test.sessions',
        name_zh: '培训班期数',
        name_en: 'Sessions',
        unit: 'SESSION',
        value_type: 'INTEGER',
        time_aggregation: 'SUM',
        tree_aggregation: 'SUM',
      },
      {
        ...base,
        code: 'test.sales',
        name_zh: '销售额',
        name_en: 'Sales',
        unit: 'YUAN',
        value_type: 'DECIMAL',
        time_aggregation: 'SUM',
        tree_aggregation: 'SUM',
      },
      {
        ...base,
        code: 'test.members',
        name_zh: '两委成员数',
        name_en: 'Members',
        unit: 'PERSON',
        value_type: 'INTEGER',
        time_aggregation: 'LAST',
        tree_aggregation: 'SUM',
      },
      {
        ...base,
        code: 'test.women_members',
        name_zh: '两委女性成员数',
        name_en: 'Women members',
        unit: 'PERSON',
        value_type: 'INTEGER',
        time_aggregation: 'LAST',
        tree_aggregation: 'SUM',
      },
      {
        code: 'test.women_share',
        name_zh: '女性占两委成员比例',
        name_en: 'Women share',
        description: null,
        unit: 'PERCENT',
        value_type: 'PERCENT',
        time_aggregation: 'LAST',
        tree_aggregation: 'RATIO',
        numerator_code: 'test.women_members',
        denominator_code: 'test.members',
        factor: '100',
      },
      {
        ...base,
        code: 'test.rank',
        name_zh: '全省排名',
        name_en: 'Rank',
        unit: 'RANK',
        value_type: 'INTEGER',
        time_aggregation: 'NONE',
        tree_aggregation: 'NONE',
      },
    ])
    .execute();
}

export const TEST_METRICS = [
  'test.sessions',
  'test.sales',
  'test.members',
  'test.women_members',
  'test.women_share',
  'test.rank',
];

/** Adds a template over the test metrics, reported per `periodType`; returns its id. */
export async function seedTemplate(
  db: Kysely<Database>,
  code: string,
  levels: OrganizationRow['level'][],
  metrics: readonly string[] = TEST_METRICS,
  periodType: TemplatePeriodType = 'YEAR',
): Promise<number> {
  const { id } = await db
    .insertInto('reporting_template')
    .values({
      code,
      name_zh: '年度工作总结',
      name_en: 'Annual summary',
      description: null,
      period_type: periodType,
      submitting_levels: levels,
      due_days: 31,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('reporting_template_metric')
    .values(
      metrics.map((metric_code, index) => ({ template_id: id, metric_code, position: index + 1 })),
    )
    .execute();
  return id;
}

export async function organizationByCode(
  db: Kysely<Database>,
  code: string,
): Promise<OrganizationRow> {
  return db
    .selectFrom('organization')
    .selectAll()
    .where('code', '=', code)
    .executeTakeFirstOrThrow();
}

/** A staff viewer with `role` at the organization with division code `code`. */
export async function staff(db: Kysely<Database>, role: Role, code: string): Promise<Viewer> {
  const organization = await organizationByCode(db, code);
  return {
    kind: 'staff',
    subject: `${role.toLowerCase()}@${code}`,
    role,
    organization: { id: organization.id, path: organization.path },
  };
}

/**
 * An approved yearly report of the unit holding one figure of test.sessions, written directly
 * as the seed loader writes reports (no workflow; rebuild the totals after).
 */
export async function insertApprovedSessions(
  db: Kysely<Database>,
  templateId: number,
  organizationId: number,
  year: string,
  value: string,
): Promise<void> {
  const period = {
    period: year,
    period_type: 'YEAR' as const,
    period_start: `${year}-01-01`,
    period_end: `${year}-12-31`,
  };
  const submission = await db
    .insertInto('submission')
    .values({
      template_id: templateId,
      organization_id: organizationId,
      ...period,
      status: 'APPROVED',
      created_by: 'test',
      updated_by: 'test',
      submitted_at: new Date(`${year}-12-20T00:00:00Z`),
      approved_at: new Date(`${year}-12-21T00:00:00Z`),
      approved_by: 'test',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('metric_value')
    .values({
      organization_id: organizationId,
      metric_code: 'test.sessions',
      ...period,
      value,
      unit: 'SESSION',
      submission_id: submission.id,
    })
    .execute();
}

/** A figure of a report written by insertReport. */
export type Figure = [
  metric: string,
  value: string,
  options?: { qualifier?: Qualifier; scope?: MetricScope },
];

/**
 * Writes a submission of the unit with division code `code` and its figures directly, as the
 * bulk loader does, and rebuilds the totals as it does: for tests about the read side.
 */
export async function insertReport(
  db: Kysely<Database>,
  report: { templateId: number; code: string; period: string; status: SubmissionStatus },
  figures: readonly Figure[],
): Promise<void> {
  const organization = await organizationByCode(db, report.code);
  const period = parsePeriod(report.period);
  const periodColumns = {
    period: period.canonical,
    period_type: period.type as TemplatePeriodType,
    period_start: period.start,
    period_end: period.end,
  };
  const { status } = report;
  const submission = await db
    .insertInto('submission')
    .values({
      ...periodColumns,
      template_id: report.templateId,
      organization_id: organization.id,
      status,
      created_by: 'test',
      updated_by: 'test',
      submitted_at: status === 'DRAFT' ? null : new Date(`${period.end}T00:00:00Z`),
      approved_at: status === 'APPROVED' ? new Date() : null,
      approved_by: status === 'APPROVED' ? 'test' : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (figures.length > 0) {
    const definitions = new Map(
      (await db.selectFrom('metric_definition').selectAll().execute()).map((row) => [
        row.code,
        row,
      ]),
    );
    await db
      .insertInto('metric_value')
      .values(
        figures.map(([metric, value, options]) => {
          const definition = definitions.get(metric);
          if (!definition) throw new Error(`No test metric ${metric}`);
          return {
            ...periodColumns,
            organization_id: organization.id,
            metric_code: metric,
            value,
            unit: definition.unit,
            qualifier: options?.qualifier ?? 'EXACT',
            scope: options?.scope ?? 'SELF',
            aggregatable: isAggregatable(definition),
            submission_id: submission.id,
          };
        }),
      )
      .execute();
  }
  await rebuildTotals(db);
}

/** An aggregate of `metric` over the year 2020, whole tree, approved figures only, unless `changes` say otherwise. */
export function yearSpec(
  metric: ReportedMetric,
  changes: Partial<AggregateSpec> = {},
): AggregateSpec {
  return {
    metric,
    periods: ['2020'],
    periodType: 'YEAR',
    reportedPer: metric.reported_per,
    statuses: ['APPROVED'],
    within: null,
    coverage: 'UNITS',
    ...changes,
  };
}
