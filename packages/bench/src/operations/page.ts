import { sql } from 'kysely';
import type { OperationDefinition } from '../harness/operation.js';
import { HUNAN_CODE, requireUnit } from './lookups.js';

const PAGE_SIZE = 100;

const QUERY = `query Villages($after: String) {
  organizations(filter: { within: "${HUNAN_CODE}", level: VILLAGE }, first: ${PAGE_SIZE}, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { id code name } }
  }
}`;

interface Data {
  organizations: {
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { node: { id: string; code: string; name: string } }[];
  };
}

/**
 * `page`: every village of Hunan, 100 at a time, in tree order. One pass is the whole walk;
 * each request is one page, so latencies are per page and the walk is their sum.
 */
export const page: OperationDefinition = {
  name: 'page',
  async prepare({ db, execute, credentials }) {
    const hunan = await requireUnit(db, HUNAN_CODE);
    const headers = await credentials('VIEWER', HUNAN_CODE);
    // Walk once through the graph to learn every page's cursor and the row it starts after.
    const cursors: (string | null)[] = [null];
    const lastCodes: (string | null)[] = [null];
    for (;;) {
      const data = (await execute({
        body: { query: QUERY, variables: { after: cursors.at(-1) } },
        headers,
      })) as Data;
      const { pageInfo, edges } = data.organizations;
      if (!pageInfo.hasNextPage) break;
      cursors.push(pageInfo.endCursor);
      lastCodes.push(edges.at(-1)!.node.code);
    }
    const paths = await sql<{ code: string; path: string }>`
      SELECT code, path FROM organization
      WHERE code = ANY(${lastCodes.filter((code) => code !== null)}::text[])`.execute(db);
    const pathOf = new Map(paths.rows.map((row) => [row.code, row.path]));
    const afterPaths = lastCodes.map((code) => (code === null ? null : pathOf.get(code)!));
    const at = (index: number) => index % cursors.length;

    return {
      description: `Hunan's villages, ${PAGE_SIZE} a page: ${cursors.length} pages per walk`,
      passLength: cursors.length,
      request: (index) => ({
        body: { query: QUERY, variables: { after: cursors[at(index)] } },
        headers,
      }),
      baseline: (index) => {
        const after = afterPaths[at(index)];
        return sql`
          SELECT o.id, o.code, o.name FROM organization o
          WHERE o.path >= ${hunan.path} AND o.path < ${hunan.upperPath} AND o.level = 'VILLAGE'
            ${after === null || after === undefined ? sql`` : sql`AND o.path > ${after}`}
          ORDER BY o.path
          LIMIT ${PAGE_SIZE}`;
      },
      fromGraphQL: (data: Data) =>
        data.organizations.edges.map(({ node }) => [node.code, node.name]),
      fromSql: (rows) => rows.map((row) => [row.code, row.name]),
    };
  },
};
