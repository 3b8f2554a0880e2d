import { sql } from 'kysely';
import { toGlobalId } from '@fulian/server';
import type { OperationDefinition } from '../harness/operation.js';
import { HUNAN_CODE, keyOf, requireUnit } from './lookups.js';

const QUERY = `query Node($id: ID!) {
  node(id: $id) {
    id
    ... on Organization { code name level depth }
  }
}`;

const SAMPLE = 100;

interface Data {
  node: { id: string; code: string; name: string; level: string; depth: number };
}

/** `node`: one organization by global id, cycling through 100 units spread over Hunan. */
export const node: OperationDefinition = {
  name: 'node',
  async prepare({ db, credentials }) {
    const hunan = await requireUnit(db, HUNAN_CODE);
    const headers = await credentials('VIEWER', HUNAN_CODE);
    // Every n-th unit of the province in tree order: villages mostly, some of every level.
    const result = await sql<{ id: number }>`
      SELECT id FROM (
        SELECT id, row_number() OVER (ORDER BY path) AS n, count(*) OVER () AS total
        FROM organization WHERE path >= ${hunan.path} AND path < ${hunan.upperPath}
      ) numbered
      WHERE n % greatest(total / ${SAMPLE}, 1) = 0
      ORDER BY n
      LIMIT ${SAMPLE}`.execute(db);
    const ids = result.rows.map((row) => row.id);
    const at = (index: number) => ids[index % ids.length]!;
    return {
      description: 'One organization by global id',
      passLength: 1,
      request: (index) => ({
        body: { query: QUERY, variables: { id: toGlobalId('Organization', at(index)) } },
        headers,
      }),
      baseline: (index) =>
        sql`SELECT id, code, name, level, depth FROM organization WHERE id = ${at(index)}`,
      fromGraphQL: ({ node: found }: Data) => [
        Number(keyOf(found.id)),
        found.code,
        found.name,
        found.level,
        found.depth,
      ],
      fromSql: ([row]) => [row.id, row.code, row.name, row.level, row.depth],
    };
  },
};
