import { sql } from 'kysely';
import type { OperationDefinition } from '../harness/operation.js';
import { aggregateStatement } from './aggregate-sql.js';
import {
  canonicalDecimal,
  depthOfLevel,
  expectedLevels,
  HUNAN_CODE,
  requireUnit,
} from './lookups.js';

/** Women screened for the two cancers: a SUM metric every county reports. */
export const RANKING_METRIC = 'two_cancers.screened';

const PAGE_SIZE = 100;

const QUERY = `query Ranking($period: String!, $after: String) {
  ranking(metric: "${RANKING_METRIC}", period: $period, level: COUNTY, within: "${HUNAN_CODE}",
          first: ${PAGE_SIZE}, after: $after) {
    ranked total
    entries {
      pageInfo { hasNextPage endCursor }
      edges { node { rank value shareOfTotal organization { code name } } }
    }
  }
}`;

interface Data {
  ranking: {
    ranked: number;
    total: string | null;
    entries: {
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      edges: {
        node: {
          rank: number | null;
          value: string | null;
          shareOfTotal: string | null;
          organization: { code: string; name: string };
        };
      }[];
    };
  };
}

/**
 * `ranking`: every county of Hunan ranked on one metric for the year, with ties and shares
 * of the total; the counties fill two pages of 100, so one pass is both pages.
 */
export const ranking: OperationDefinition = {
  name: 'ranking',
  async prepare({ db, year, execute, credentials }) {
    const hunan = await requireUnit(db, HUNAN_CODE);
    const headers = await credentials('VIEWER', HUNAN_CODE);
    const period = String(year);
    const cursors: (string | null)[] = [null];
    for (;;) {
      const data = (await execute({
        body: { query: QUERY, variables: { period, after: cursors.at(-1) } },
        headers,
      })) as Data;
      if (!data.ranking.entries.pageInfo.hasNextPage) break;
      cursors.push(data.ranking.entries.pageInfo.endCursor);
    }
    const aggregate = aggregateStatement({
      metric: RANKING_METRIC,
      ratio: null,
      period,
      within: hunan,
      level: 'COUNTY',
      depth: await depthOfLevel(db, hunan, 'COUNTY'),
      expectedLevels: await expectedLevels(db, RANKING_METRIC),
      coverage: false,
    });
    const at = (index: number) => index % cursors.length;
    const decimal = (value: string | null) =>
      value === null ? null : canonicalDecimal(String(value));
    return {
      description: `Hunan's counties ranked on ${RANKING_METRIC} for ${year}, ${cursors.length} page(s)`,
      passLength: cursors.length,
      request: (index) => ({
        body: { query: QUERY, variables: { period, after: cursors[at(index)] } },
        headers,
      }),
      // Competition ranks (1, 2, 2, 4), units without a figure last and unranked, shares of
      // the total: the page after the given position.
      baseline: (index) => sql`
        WITH base AS (${aggregate}),
        ranked AS (
          SELECT base.*,
            row_number() OVER (ORDER BY value DESC NULLS LAST, path) AS position,
            CASE WHEN value IS NOT NULL THEN rank() OVER (ORDER BY value DESC NULLS LAST) END AS rank,
            sum(value) OVER () AS total,
            count(value) OVER () AS ranked
          FROM base
        )
        SELECT code, value, rank::int, total, ranked::int,
          CASE WHEN total > 0 THEN round(value * 100 / total, 4) END AS share
        FROM ranked
        WHERE position > ${at(index) * PAGE_SIZE}
        ORDER BY position
        LIMIT ${PAGE_SIZE}`,
      fromGraphQL: (data: Data) => [
        data.ranking.ranked,
        decimal(data.ranking.total),
        data.ranking.entries.edges.map(({ node }) => [
          node.organization.code,
          node.rank,
          decimal(node.value),
          decimal(node.shareOfTotal),
        ]),
      ],
      fromSql: (rows) => [
        rows[0]?.ranked ?? 0,
        decimal(rows[0]?.total ?? null),
        rows.map((row) => [row.code, row.rank, decimal(row.value), decimal(row.share)]),
      ],
    };
  },
};

/**
 * The most expensive request a reader may send (the noisy neighbour's flood): every village of
 * Hunan ranked, which reads every figure of the province for the metric and year.
 */
export function villageRankingQuery(year: number): {
  query: string;
  variables: { period: string };
} {
  return {
    query: `query VillageRanking($period: String!) {
  ranking(metric: "${RANKING_METRIC}", period: $period, level: VILLAGE, within: "${HUNAN_CODE}", first: 20) {
    ranked total
    entries { edges { node { rank value organization { code } } } }
  }
}`,
    variables: { period: String(year) },
  };
}
