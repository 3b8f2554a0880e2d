import { sql } from 'kysely';
import type { OperationDefinition } from '../harness/operation.js';
import { HUNAN_CODE, keyOf } from './lookups.js';

/** A two-character word of the family-values campaigns: common, but far from every title. */
export const SEARCH_TERM = '家风';

const QUERY = `query Search($term: String!) {
  activities(filter: { search: $term }, first: 20) {
    edges { node { id title period { text } organization { name } } }
  }
}`;

interface Data {
  activities: {
    edges: {
      node: { id: string; title: string; period: { text: string }; organization: { name: string } };
    }[];
  };
}

/** `search`: the first 20 activities anywhere whose title or description holds the word. */
export const search: OperationDefinition = {
  name: 'search',
  async prepare({ credentials }) {
    const headers = await credentials('VIEWER', HUNAN_CODE);
    return {
      description: `First 20 activities mentioning ${SEARCH_TERM}, with their organizer`,
      passLength: 1,
      request: () => ({ body: { query: QUERY, variables: { term: SEARCH_TERM } }, headers }),
      baseline: () => sql`
        SELECT a.id, a.title, a.period, o.name AS organization
        FROM activity a JOIN organization o ON o.id = a.organization_id
        -- A two-character word is its own only pair (see termGrams in the server).
        WHERE a.search_grams @> ${[SEARCH_TERM]}::text[]
          AND (a.title || ' ' || coalesce(a.description, '')) LIKE ${`%${SEARCH_TERM}%`}
        ORDER BY a.id
        LIMIT 20`,
      fromGraphQL: (data: Data) =>
        data.activities.edges.map(({ node: activity }) => [
          Number(keyOf(activity.id)),
          activity.title,
          activity.period.text,
          activity.organization.name,
        ]),
      fromSql: (rows) => rows.map((row) => [row.id, row.title, row.period, row.organization]),
    };
  },
};
