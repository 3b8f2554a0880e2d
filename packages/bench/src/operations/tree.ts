import { sql } from 'kysely';
import type { OperationDefinition } from '../harness/operation.js';
import { canonicalDecimal, HUNAN_CODE, requireUnit } from './lookups.js';

/** The two figures shown beside each unit of the tree. */
export const TREE_METRICS = ['training.sessions', 'training.cadre_attendance'] as const;

const FIGURES = `
  sessions: metricValues(metric: "${TREE_METRICS[0]}", period: $year, first: 1) {
    edges { node { value qualifier } }
  }
  attendance: metricValues(metric: "${TREE_METRICS[1]}", period: $year, first: 1) {
    edges { node { value qualifier } }
  }`;

const QUERY = `query Tree($year: String!) {
  organization(code: "${HUNAN_CODE}") {
    id name
    children(first: 20) {
      edges { node {
        id code name ${FIGURES}
        children(first: 40) { edges { node { id code name ${FIGURES} } } }
      } }
    }
  }
}`;

interface Figure {
  edges: { node: { value: string; qualifier: string } }[];
}
interface TreeUnit {
  code: string;
  name: string;
  sessions: Figure;
  attendance: Figure;
}
interface Data {
  organization: {
    children: {
      edges: { node: TreeUnit & { children: { edges: { node: TreeUnit }[] } } }[];
    };
  };
}

/**
 * `tree`: the province, its 14 cities and their counties, each with two of its own figures
 * for the year: what a province dashboard's first screen shows.
 */
export const tree: OperationDefinition = {
  name: 'tree',
  async prepare({ db, year, credentials }) {
    const hunan = await requireUnit(db, HUNAN_CODE);
    const headers = await credentials('VIEWER', HUNAN_CODE);
    const start = `${year}-01-01`;
    const end = `${year}-12-31`;
    // The first figure of a metric inside the year, in the order the graph lists a unit's
    // figures (metric, period start, id); figures of reports not yet submitted stay internal.
    const figure = (code: string, alias: string) => sql`
      LEFT JOIN LATERAL (
        SELECT v.value, v.qualifier FROM metric_value v
        WHERE v.organization_id = o.id AND v.metric_code = ${code}
          AND v.period_start >= ${start}::date AND v.period_end <= ${end}::date
          AND (v.submission_id IS NULL OR v.submission_status IN ('SUBMITTED', 'APPROVED'))
        ORDER BY v.period_start, v.id
        LIMIT 1
      ) ${sql.ref(alias)} ON true`;
    return {
      description: `Hunan → 14 cities → counties, two figures each for ${year}`,
      passLength: 1,
      request: () => ({ body: { query: QUERY, variables: { year: String(year) } }, headers }),
      baseline: () => sql`
        SELECT o.code, o.name, o.depth, o.path,
          s.value AS sessions, s.qualifier AS sessions_qualifier,
          a.value AS attendance, a.qualifier AS attendance_qualifier
        FROM organization o
        ${figure(TREE_METRICS[0], 's')}
        ${figure(TREE_METRICS[1], 'a')}
        WHERE o.kind = 'FEDERATION' AND o.parent_id = ANY(
          ARRAY(SELECT id FROM organization WHERE parent_id = ${hunan.id} AND kind = 'FEDERATION')
            || ${hunan.id}::int)
        ORDER BY o.path`,
      fromGraphQL: (data: Data) =>
        data.organization.children.edges.map(({ node: city }) => [
          ...unit(city),
          city.children.edges.map(({ node: county }) => unit(county)),
        ]),
      fromSql: (rows) => {
        const cities: unknown[][] = [];
        for (const row of rows) {
          const figures = [
            row.code,
            row.name,
            figureOf(row.sessions, row.sessions_qualifier),
            figureOf(row.attendance, row.attendance_qualifier),
          ];
          if (row.depth === hunan.depth + 1) cities.push([...figures, []]);
          else (cities.at(-1)![4] as unknown[]).push(figures);
        }
        return cities;
      },
    };
  },
};

function unit(node: TreeUnit): unknown[] {
  const first = (figure: Figure) => figure.edges[0]?.node ?? null;
  return [
    node.code,
    node.name,
    figureOf(first(node.sessions)?.value ?? null, first(node.sessions)?.qualifier ?? null),
    figureOf(first(node.attendance)?.value ?? null, first(node.attendance)?.qualifier ?? null),
  ];
}

function figureOf(value: string | null, qualifier: string | null): unknown {
  return value === null ? null : [canonicalDecimal(value), qualifier];
}
