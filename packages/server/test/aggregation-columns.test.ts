import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregateQuery } from '../src/modules/aggregation/aggregation.figures-statement.js';
import type {
  AggregateRow,
  AggregateStatement,
} from '../src/modules/aggregation/aggregation.spec.js';
import { totalsQuery } from '../src/modules/aggregation/aggregation.totals-statement.js';
import { findDefinitions } from '../src/modules/metric/metric.repository.js';
import { seedHandTree, seedTemplate, seedTestMetrics, yearSpec } from './helpers/reporting.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedHandTree(database.db);
  await seedTestMetrics(database.db);
  await seedTemplate(database.db, 'test-annual', ['CITY', 'COUNTY']);
});
afterAll(() => database.close());

/**
 * Every column of AggregateRow, once: the type checker holds this list to the interface (a
 * key missing or unknown fails to compile), the test below holds the statements to the list.
 */
const COLUMNS: Record<keyof AggregateRow, true> = {
  organization_id: true,
  path: true,
  period: true,
  value: true,
  qualifiers: true,
  children_value: true,
  children_qualifiers: true,
  reported: true,
  reported_qualifier: true,
  numerator: true,
  numerator_qualifiers: true,
  denominator: true,
  denominator_qualifiers: true,
  children_numerator: true,
  children_numerator_qualifiers: true,
  children_denominator: true,
  children_denominator_qualifiers: true,
  numerator_unpaired: true,
  denominator_unpaired: true,
  contributing: true,
  covered: true,
  unpaired: true,
  periods_combined: true,
  periods_missing: true,
  expected: true,
  unapproved: true,
  missing: true,
};

const STATEMENTS: [string, AggregateStatement][] = [
  ['the figures', aggregateQuery],
  ['the totals', totalsQuery],
];

describe('an aggregate statement', () => {
  for (const [source, statement] of STATEMENTS) {
    for (const code of ['test.sessions', 'test.women_share']) {
      for (const coverage of ['NONE', 'UNITS', 'ALL'] as const) {
        it(`from ${source} returns exactly AggregateRow's columns (${code}, coverage ${coverage})`, async () => {
          const [metric] = await findDefinitions(database.db, [code]);
          const spec = yearSpec(metric!, { coverage });
          const { rows } = await statement(spec, {
            kind: 'level',
            level: 'CITY',
            window: null,
          }).execute(database.db);
          expect(rows).toHaveLength(3);
          for (const row of rows)
            expect(Object.keys(row).sort()).toEqual(Object.keys(COLUMNS).sort());
        });
      }
    }
  }
});
