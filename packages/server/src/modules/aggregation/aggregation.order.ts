import { sql } from 'kysely';
import type { Ordering } from '../../graph/keyset.js';
import type { AggregateRow } from './aggregation.spec.js';
import type { CompletenessRow } from './aggregation.completeness-statement.js';
import type { ContributionRow, RankedRow } from './aggregation.repository.js';

/** A roll-up lists its group units in tree order (the `group_unit` CTE reads them from `o`). */
export const rollupOrder: Ordering<AggregateRow> = {
  name: 'rollup',
  columns: [{ sql: sql`o.path`, kind: 'string', value: (row) => row.path }],
};

/** A ranking lists its units by position: value descending, ties and the unranked by path. */
export const rankingOrder: Ordering<RankedRow> = {
  name: 'ranking',
  columns: [{ sql: sql`position`, kind: 'integer', value: (row) => row.position }],
};

/**
 * A group's contributions are listed by their unit's place in the tree, then metric, then
 * period (a unit's quarters combined into a year).
 */
export const contributionOrder: Ordering<ContributionRow> = {
  name: 'contribution',
  columns: [
    { sql: sql`v.path`, kind: 'string', value: (row) => row.path },
    { sql: sql`v.metric_code`, kind: 'string', value: (row) => row.metric_code },
    { sql: sql`v.period`, kind: 'string', value: (row) => row.period },
  ],
};

/** The units a template expects a report from are listed in tree order. */
export const completenessOrder: Ordering<CompletenessRow> = {
  name: 'completeness',
  columns: [{ sql: sql`u.path`, kind: 'string', value: (row) => row.path }],
};
