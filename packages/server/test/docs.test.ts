import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffViewer } from '../src/auth/authenticate.js';
import type { Viewer } from '../src/auth/viewer.js';
import { seedReporting } from '../src/seed/reporting.seed.js';
import { seedData } from '../src/seed/seed-data.js';
import { createGraphQLClient } from './helpers/graphql-client.js';
import { createTestDatabase, seedHunan, type TestDatabase } from './helpers/test-database.js';

/**
 * Every ```graphql block of README.md and docs/*.md runs against one server loaded as
 * `npm start` loads it (the Hunan tree and seeds/), and must answer without an error, so the
 * docs cannot drift from the schema.
 *
 * The convention for writers:
 * - A block runs as written, as a province admin of Hunan (a staff token with role
 *   PROVINCE_ADMIN at 43), who may read and do everything the docs show. Blocks run in the
 *   order of the files (README.md first, then docs/ by name) and within a file top to bottom,
 *   so a mutation's effect is seen by the blocks after it.
 * - Variables go in a ```json block right after the ```graphql block (only blank lines
 *   between): one JSON object, the operation's variables.
 * - A block that must not run (a fragment of a larger document, a schema excerpt) is fenced
 *   as something else: ``` or ```graphql-schema.
 */

const root = fileURLToPath(new URL('../../../', import.meta.url));

interface DocBlock {
  /** Where the block starts, as `file:line`. */
  where: string;
  query: string;
  variables: Record<string, unknown>;
}

function docFiles(): string[] {
  const docs = readdirSync(path.join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => path.join('docs', name));
  return ['README.md', ...docs];
}

function blocksOf(file: string): DocBlock[] {
  const lines = readFileSync(path.join(root, file), 'utf8').split('\n');
  const blocks: DocBlock[] = [];
  const fenced = (start: number): { body: string; end: number } => {
    const end = lines.findIndex((line, index) => index > start && line.trim() === '```');
    if (end < 0) throw new Error(`${file}:${start + 1}: the block is never closed`);
    return { body: lines.slice(start + 1, end).join('\n'), end };
  };
  for (let index = 0; index < lines.length; index++) {
    if (lines[index]!.trim() !== '```graphql') continue;
    const where = `${file}:${index + 1}`;
    const { body, end } = fenced(index);
    let next = end + 1;
    while (next < lines.length && lines[next]!.trim() === '') next++;
    let variables: Record<string, unknown> = {};
    index = end;
    if (lines[next]?.trim() === '```json') {
      const json = fenced(next);
      try {
        variables = JSON.parse(json.body) as Record<string, unknown>;
      } catch (error) {
        throw new Error(`${file}:${next + 1}: the variables are not JSON (${String(error)})`);
      }
      index = json.end;
    }
    blocks.push({ where, query: body, variables });
  }
  return blocks;
}

const blocks = docFiles().flatMap(blocksOf);

let database: TestDatabase;
let client: Awaited<ReturnType<typeof createGraphQLClient>>;
let admin: Viewer;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedHunan(database.db);
  await seedData(database.db);
  await seedReporting(database.db);
  client = await createGraphQLClient(database);
  admin = await staffViewer(database.db, {
    subject: 'docs',
    role: 'PROVINCE_ADMIN',
    organization: '43',
  });
});
afterAll(async () => {
  await database?.close();
});

describe('the GraphQL in README.md and docs/*.md', () => {
  it('has blocks to run', () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  it.each(blocks.map((block) => [block.where, block] as const))(
    '%s answers without an error',
    async (_where, block) => {
      const result = await client.execute(block.query, block.variables, admin);
      expect(result.errors).toBeUndefined();
      expect(result.data).toBeTruthy();
    },
  );
});
