import { combineQualifiers, ratioQualifier, toGlobalId } from '@fulian/server';
import type { OperationDefinition } from '../harness/operation.js';
import { aggregateStatement } from './aggregate-sql.js';
import {
  canonicalDecimal,
  depthOfLevel,
  expectedLevels,
  HUNAN_CODE,
  requireUnit,
} from './lookups.js';

/** A SUM metric that cities sometimes report for their whole subtree (全市…共举办…期). */
export const ROLLUP_METRIC = 'training.sessions';
/** The women's share of village committees: a RATIO of two sums, recomputed per city. */
export const RATIO_METRIC = 'village_committee.women_share';

interface Row {
  organization: { code: string; name: string };
  value: string | null;
  qualifier: string;
  numerator?: string | null;
  denominator?: string | null;
  coverage: { contributing: number; expected: number; unapproved: number; missing: number };
}

/** Where a roll-up runs: inside one unit (by division code) or the whole tree, and its rows. */
interface Grouping {
  within: string | null;
  groupBy: 'CITY' | 'PROVINCE';
  describe: string;
}

const BY_CITY: Grouping = {
  within: HUNAN_CODE,
  groupBy: 'CITY',
  describe: 'Hunan grouped by city',
};
const BY_PROVINCE: Grouping = {
  within: null,
  groupBy: 'PROVINCE',
  describe: 'the whole country grouped by province',
};

const query = (
  metric: string,
  ratio: boolean,
  grouping: Grouping,
) => `query Rollup($period: String!) {
  rollup(metric: "${metric}", period: $period, groupBy: ${grouping.groupBy},${
    grouping.within === null ? '' : ` within: "${grouping.within}",`
  } first: 40) {
    edges { node {
      organization { code name }
      value qualifier ${ratio ? 'numerator denominator' : ''}
      coverage { contributing expected unapproved missing }
    } }
  }
}`;

function rollupOperation(
  name: string,
  metric: string,
  ratio: boolean,
  grouping: Grouping,
): OperationDefinition {
  return {
    name,
    async prepare({ db, year, credentials }) {
      // The root federation has no division code: tokens name it by global id.
      const within = await requireUnit(db, grouping.within);
      const headers = await credentials(
        'VIEWER',
        grouping.within ?? toGlobalId('Organization', within.id),
      );
      const definition = await db
        .selectFrom('metric_definition')
        .select(['numerator_code', 'denominator_code', 'factor'])
        .where('code', '=', metric)
        .executeTakeFirstOrThrow();
      const statement = aggregateStatement({
        metric,
        ratio: ratio
          ? {
              numerator: definition.numerator_code!,
              denominator: definition.denominator_code!,
              factor: definition.factor!,
            }
          : null,
        period: String(year),
        within,
        level: grouping.groupBy,
        depth: await depthOfLevel(db, within, grouping.groupBy),
        expectedLevels: await expectedLevels(db, metric),
        coverage: true,
      });
      const decimal = (value: string | null | undefined) =>
        value == null ? null : canonicalDecimal(String(value));
      return {
        description: `${metric} for ${year}, ${grouping.describe}`,
        passLength: 1,
        request: () => ({
          body: { query: query(metric, ratio, grouping), variables: { period: String(year) } },
          headers,
        }),
        baseline: () => statement,
        fromGraphQL: (data: { rollup: { edges: { node: Row }[] } }) =>
          data.rollup.edges.map(({ node }) => [
            node.organization.code,
            decimal(node.value),
            node.qualifier,
            ...(ratio ? [decimal(node.numerator), decimal(node.denominator)] : []),
            node.coverage,
          ]),
        fromSql: (rows) =>
          rows.map((row) => [
            row.code,
            decimal(row.value),
            // A null value has no qualifier (docs/reporting.md).
            row.value == null
              ? null
              : ratio
                ? ratioQualifier(row.numerator_qualifiers, row.denominator_qualifiers)
                : combineQualifiers(row.qualifiers),
            ...(ratio ? [decimal(row.numerator), decimal(row.denominator)] : []),
            {
              contributing: row.contributing,
              expected: row.expected,
              unapproved: row.unapproved,
              missing: row.missing,
            },
          ]),
      };
    },
  };
}

/** `rollup`: one SUM metric for one year over the whole province, grouped by city. */
export const rollup = rollupOperation('rollup', ROLLUP_METRIC, false, BY_CITY);

/** `ratio-rollup`: the women's-share RATIO metric, same grouping. */
export const ratioRollup = rollupOperation('ratio-rollup', RATIO_METRIC, true, BY_CITY);

/**
 * `rollup-country`: the same SUM metric over the whole tree grouped by province, the roll-up
 * whose growth the national target bounds (at Hunan scale the tree holds one province).
 */
export const countryRollup = rollupOperation('rollup-country', ROLLUP_METRIC, false, BY_PROVINCE);
