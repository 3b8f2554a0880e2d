import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findRankingPage,
  findRollupPage,
} from '../src/modules/aggregation/aggregation.repository.js';
import type { AggregateSpec } from '../src/modules/aggregation/aggregation.spec.js';
import { totalsQuery } from '../src/modules/aggregation/aggregation.totals-statement.js';
import {
  findDefinitions,
  findDefinitionWithPath,
} from '../src/modules/metric/metric.repository.js';
import { pathOf } from '../src/modules/organization/organization.repository.js';
import { seedHandTree, seedTemplate, seedTestMetrics, yearSpec } from './helpers/reporting.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

let database: TestDatabase;

/** Counties added under city C (id 5), after the hand tree's: a tree too big to scan per page. */
const EXTRA_COUNTIES = 3_000;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedHandTree(database.db);
  await seedTestMetrics(database.db);
  const template = await seedTemplate(database.db, 'test-annual', ['COUNTY']);
  const city = await database.db
    .selectFrom('organization')
    .select(['path', 'depth'])
    .where('id', '=', 5)
    .executeTakeFirstOrThrow();
  await sql`
    INSERT INTO organization (id, code, name, level, kind, parent_id, path, depth)
    SELECT 100 + i, NULL, 'county ' || i, 'COUNTY', 'FEDERATION', 5,
      ${city.path} || lpad((100 + i)::text, 10, '0') || '/', ${city.depth + 1}
    FROM generate_series(1, ${EXTRA_COUNTIES}) AS i`.execute(database.db);
  // Each added county has an approved report with the metric, as the bench's data sets do.
  await sql`
    INSERT INTO submission (template_id, organization_id, period, period_type, period_start,
      period_end, status, created_by, updated_by, approved_at, approved_by)
    SELECT ${template}, o.id, '2020', 'YEAR', '2020-01-01', '2020-12-31', 'APPROVED', 'test',
      'test', now(), 'test'
    FROM organization o WHERE o.id > 100`.execute(database.db);
  await sql`
    INSERT INTO metric_value (organization_id, metric_code, period, period_type, period_start,
      period_end, value, unit, submission_id)
    SELECT s.organization_id, 'test.sessions', s.period, 'YEAR', '2020-01-01', '2020-12-31',
      s.organization_id % 7, 'SESSION', s.id
    FROM submission s`.execute(database.db);
  await sql`ANALYZE`.execute(database.db);
});
afterAll(() => database.close());

interface PlanNode {
  'Relation Name'?: string;
  'Actual Loops': number;
  'Actual Rows': number;
  Plans?: PlanNode[];
}

/** How many rows the plan read from the table, over every loop of each node reading it. */
function rowsRead(node: PlanNode, table: string): number {
  const own = node['Relation Name'] === table ? node['Actual Loops'] * node['Actual Rows'] : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + rowsRead(child, table), 0);
}

/** The roll-up of test.sessions for 2020 by county over the whole tree, with its coverage. */
async function countySpec(): Promise<AggregateSpec> {
  const [metric] = await findDefinitions(database.db, ['test.sessions']);
  return yearSpec(metric!, { coverage: 'ALL' });
}

describe('a page of a roll-up from the totals', () => {
  it("reads its coverage from the counts kept for the page's groups only", async () => {
    const spec = await countySpec();
    // A page of one county reads two (430101 and 430102, the first by path), each the one unit
    // its group expects a report from.
    const statement = totalsQuery(spec, {
      kind: 'level',
      level: 'COUNTY',
      window: { after: null, before: null, backward: false, limit: 1 },
    }).compile(database.db);
    const explained = await database.db.executeQuery<Record<string, unknown>>({
      ...statement,
      sql: `EXPLAIN (ANALYZE, FORMAT JSON) ${statement.sql}`,
    });
    const [cell] = Object.values(explained.rows[0]!);
    const [{ Plan: plan }] = (typeof cell === 'string' ? JSON.parse(cell) : cell) as [
      { Plan: PlanNode },
    ];
    const page = await database.db.executeQuery<{ expected: number; missing: number }>(statement);
    expect(page.rows.map((row) => [row.expected, row.missing])).toEqual([
      [1, 1],
      [1, 1],
    ]);
    // The expected units are counted per group by level and validity (one row here for each
    // county), not looked up one by one: the figures are not read at all.
    expect(rowsRead(plan, 'subtree_federation_count')).toBe(2);
    expect(rowsRead(plan, 'metric_value')).toBe(0);
  });
});

/**
 * City C's counties as the server asks for them: no group's own figure, so every county reads
 * its stored row.
 */
async function cityCountySpec(): Promise<AggregateSpec> {
  const city = await database.db
    .selectFrom('organization')
    .select('path')
    .where('id', '=', 5)
    .executeTakeFirstOrThrow();
  return { ...(await countySpec()), within: { path: city.path }, breakdown: false };
}

/** Page sizes asked in turn: five custom plans, then the generic one. */
const PAGE_SIZES = [1, 3, 2, 1, 5, 1, 4];

describe.runIf(process.env.DATABASE_URL)('a roll-up page on PostgreSQL', () => {
  it('is prepared once per connection and runs its generic plan from the sixth time on', async () => {
    const spec = await cityCountySpec();
    const pages = PAGE_SIZES.map((limit) => ({
      after: null,
      before: null,
      backward: false,
      limit,
    }));
    await database.db.connection().execute(async (connection) => {
      const sizes: number[] = [];
      for (const window of pages) {
        const page = await findRollupPage(connection, spec, 'COUNTY', window, totalsQuery);
        sizes.push(page.rows.length);
      }
      expect(sizes).toEqual(PAGE_SIZES);
      // One statement, kept under one name whatever the page: PostgreSQL planned it for the
      // first five values, then found its generic plan no dearer and kept that.
      const kept = await sql<{ custom_plans: number; generic_plans: number }>`
        SELECT custom_plans, generic_plans FROM pg_prepared_statements
        WHERE name LIKE 'kept\_%'`.execute(connection);
      expect(kept.rows).toEqual([{ custom_plans: 5, generic_plans: 2 }]);
    });
  });

  it('keeps the plan of a ranking page the same way', async () => {
    const spec = await cityCountySpec();
    await database.db.connection().execute(async (connection) => {
      const sizes: number[] = [];
      for (const limit of PAGE_SIZES) {
        const window = { after: null, before: null, backward: false, limit };
        const { page } = await findRankingPage(connection, spec, 'COUNTY', window, totalsQuery);
        sizes.push(page.rows.length);
      }
      expect(sizes).toEqual(PAGE_SIZES);
      const kept = await sql<{ custom_plans: number; generic_plans: number }>`
        SELECT custom_plans, generic_plans FROM pg_prepared_statements
        WHERE name LIKE 'kept\_%' AND statement LIKE '%ranking_page%'`.execute(connection);
      expect(kept.rows).toEqual([{ custom_plans: 5, generic_plans: 2 }]);
    });
  });

  it('looks the metric and the `within` unit up with a kept plan too, by code or by id', async () => {
    const within = [pathOf({ code: '43' }), pathOf({ id: 5 })];
    await database.db.connection().execute(async (connection) => {
      const paths: (string | null | undefined)[] = [];
      for (let i = 0; i < 7; i += 1) {
        const found = await findDefinitionWithPath(connection, 'test.sessions', within[0]!);
        paths.push(found?.path);
      }
      const byId = await findDefinitionWithPath(connection, 'test.sessions', within[1]!);
      const unknown = await findDefinitionWithPath(connection, 'test.none', within[0]!);
      const province = await connection
        .selectFrom('organization')
        .select('path')
        .where('code', '=', '43')
        .executeTakeFirstOrThrow();
      expect(paths).toEqual(Array(7).fill(province.path));
      expect(byId?.definition.code).toBe('test.sessions');
      expect(unknown).toBeNull();
      // One name per shape (by code, by id): the first planned five times, then generic.
      const kept = await sql<{ custom_plans: number; generic_plans: number }>`
        SELECT custom_plans, generic_plans FROM pg_prepared_statements
        WHERE name LIKE 'kept\_%' AND statement LIKE '%FROM metric_definition d%'
        ORDER BY custom_plans DESC`.execute(connection);
      expect(kept.rows).toEqual([
        { custom_plans: 5, generic_plans: 3 },
        { custom_plans: 1, generic_plans: 0 },
      ]);
    });
  });
});
